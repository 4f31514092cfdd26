package io.guardcluster.filestore.file;

import java.nio.charset.StandardCharsets;
import java.net.URLEncoder;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * A file's bytes on their way out: written by {@code body} on the worker thread as the client takes them. If
 * {@code body} fails midway (a tampered file's integrity check, storage lost), the exception ends the response
 * without its proper end, so the client sees a broken transfer, never a complete-looking file.
 *
 * @param length the exact byte count, or -1 when not known before the end (decrypted content)
 */
public record Download(String fileName, String contentType, long length, StreamingOutput body) {

    public Response toResponse() {
        Response.ResponseBuilder response = Response.ok(body, contentType)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename*=UTF-8''" + rfc5987(fileName))
                .header("X-Content-Type-Options", "nosniff")
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (length >= 0) {
            response.header(HttpHeaders.CONTENT_LENGTH, length);
        }
        return response.build();
    }

    private static String rfc5987(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
