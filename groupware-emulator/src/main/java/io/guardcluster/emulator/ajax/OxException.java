package io.guardcluster.emulator.ajax;

import java.util.List;

/**
 * An application error of the OX HTTP API. Thrown by the {@code /appsuite/api} resources and turned into the
 * documented error object with HTTP 200 by {@link OxExceptionMapper}.
 */
public final class OxException extends RuntimeException {

    private final OxErrorCode code;
    private final List<Object> args;

    public OxException(OxErrorCode code, Object... args) {
        super(code.code(), null, false, false);
        this.code = code;
        this.args = List.of(args);
    }

    public OxErrorCode code() {
        return code;
    }

    public List<Object> args() {
        return args;
    }
}
