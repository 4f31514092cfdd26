package io.guardcluster.keyservice.directory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Headers every successful public lookup carries. */
@ApplicationScoped
public class DirectoryResponses {

    private final String cacheControl;

    public DirectoryResponses(DirectoryConfig config) {
        this.cacheControl = "public, max-age=" + Math.max(0, config.cacheMaxAge().toSeconds());
    }

    /**
     * 200 with {@code body} of {@code mediaType}, cacheable by anyone for the configured time, and
     * readable by browser-based clients on other origins (OpenPGP.js, Mailvelope): the data is
     * public and the lookups carry no credentials.
     */
    public Response ok(Object body, String mediaType) {
        return Response.ok(body, mediaType)
                .header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .header("Access-Control-Allow-Origin", "*")
                .build();
    }
}
