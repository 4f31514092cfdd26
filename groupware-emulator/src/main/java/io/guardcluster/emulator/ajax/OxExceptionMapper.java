package io.guardcluster.emulator.ajax;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Answers an {@link OxException} with the OX error object and HTTP 200, as the middleware does. */
@Provider
public class OxExceptionMapper implements ExceptionMapper<OxException> {

    @Override
    public Response toResponse(OxException e) {
        return OxResponses.error(e);
    }
}
