package io.guardcluster.emulator.ajax;

/**
 * The OX error codes the emulator can answer with. Each entry gives the OX code, the technical message
 * ({@code error_desc}, printf-style), the translated display message ({@code error}) and the category, as
 * defined in appsuite-middleware.
 */
public enum OxErrorCode {

    /** {@code LoginExceptionCodes.INVALID_CREDENTIALS}; display text {@code LoginExceptionMessages.INVALID_CREDENTIALS_MSG}. */
    LGI_0006("LGI", 6, "Invalid credentials.", "The user name or password is incorrect.", OxCategory.USER_INPUT),

    /**
     * {@code MailExceptionCode.MAIL_NOT_FOUND} ("Mail(s) %1$s could not be found in folder %2$s"); display text
     * {@code MailExceptionStrings.MAIL_NOT_FOUND_SIMPLE_MSG}. {@code GetAction} raises it for an unknown id.
     */
    MSG_0032("MSG", 32, "Mail(s) %1$s could not be found in folder %2$s", "Mail could not be found",
            OxCategory.USER_INPUT),

    /**
     * {@code MailExceptionCode.INVALID_SENDER}: {@code NewAction} refuses a From address that is not one of the user's
     * addresses (aliases) unless {@code force} is set; display text {@code MailExceptionStrings.INVALID_SENDER_MSG}.
     */
    MSG_0056("MSG", 56, "The specified E-Mail address %1$s is not covered by allowed E-Mail address aliases.",
            "The specified E-Mail address \"%1$s\" is not covered by allowed E-Mail address aliases.", OxCategory.USER_INPUT),

    /** {@code MailExceptionCode.UNPARSEABLE_MESSAGE}. */
    MSG_0059("MSG", 59, "Mail cannot be parsed. Invalid or incomplete mail data.",
            "Mail cannot be parsed. Invalid or incomplete mail data.", OxCategory.USER_INPUT),

    /** {@code MailExceptionCode.FOLDER_NOT_FOUND}; its display text was not found in the sources read. */
    MSG_0066("MSG", 66, "Mail folder could not be found: %1$s.", "Mail folder could not be found: %1$s.",
            OxCategory.USER_INPUT),

    /** {@code MailExceptionCode.MAX_MESSAGE_SIZE_EXCEEDED}; display text {@code MailExceptionStrings.MAX_MESSAGE_SIZE_EXCEEDED_MSG}. */
    MSG_0088("MSG", 88, "Maximum message size is exceeded. Max. is %1$s.", "Maximum message size is exceeded. Max. is %1$s.",
            OxCategory.USER_INPUT),

    /** {@code SMTPExceptionCode.MISSING_RECIPIENTS} ("No recipient(s) has been defined for new message"). */
    SMTP_3006("SMTP", 3006, "There are no recipient(s) for the new message.", "There are no recipient(s) for the new message.",
            OxCategory.USER_INPUT),

    /** {@code SessionExceptionCodes.SESSION_PARAMETER_MISSING}. */
    SES_0201("SES", 201, "The session parameter is missing.", OxErrorCode.GENERIC_MESSAGE, OxCategory.ERROR),

    /**
     * {@code SessionExceptionCodes.SESSION_EXPIRED}; display text {@code SessionExceptionMessages.SESSION_EXPIRED_MSG}.
     * OX raises it for an unknown/expired session id AND for a missing or non-matching secret cookie
     * ({@code SessionUtility.checkSecret}, expiration reasons {@code nosecretcookie} / {@code secretmismatch}).
     */
    SES_0203("SES", 203, "Your session %s expired. Please start a new browser session.",
            "Your session expired. Please login again.", OxCategory.TRY_AGAIN),

    /** {@code AjaxExceptionCodes.UNKNOWN_ACTION}. */
    SVL_0001("SVL", 1, "Unknown AJAX action: %1$s.", OxErrorCode.GENERIC_MESSAGE, OxCategory.ERROR),

    /** {@code AjaxExceptionCodes.MISSING_PARAMETER}. */
    SVL_0002("SVL", 2, "Missing the following request parameter: %1$s", OxErrorCode.GENERIC_MESSAGE, OxCategory.ERROR),

    /** {@code AjaxExceptionCodes.UNKNOWN_ACTION_IN_MODULE}. */
    SVL_0021("SVL", 21, "Unknown AJAX action %1$s in module %2$s.", OxErrorCode.GENERIC_MESSAGE, OxCategory.ERROR),

    /**
     * {@code AjaxExceptionCodes.NOT_ALLOWED_URI_PARAM}: the login servlet refuses a {@code password} in the URI
     * ({@code Tools.checkNonExistence}). The display text ({@code NOT_ALLOWED_URI_PARAM_MSG}) was not found in
     * the sources read; the technical message is used for both.
     */
    SVL_0030("SVL", 30, "Client sent not allowed request parameter \"%1$s\" within the URI.",
            "Client sent not allowed request parameter \"%1$s\" within the URI.", OxCategory.ERROR),

    /**
     * {@code UserExceptionCode.USER_NOT_FOUND}. Its display text ({@code USER_NOT_FOUND_DISPLAY}) was not found in
     * the sources read; the technical message is used for both.
     */
    USR_0010("USR", 10, "Cannot find user with identifier %1$s in context %2$d.",
            "Cannot find user with identifier %1$s in context %2$d.", OxCategory.ERROR);

    /** OX {@code OXExceptionStrings.MESSAGE}, the generic display text of internal errors. */
    static final String GENERIC_MESSAGE =
            "An error occurred inside the server which prevented it from fulfilling the request.";

    private final String prefix;
    private final int number;
    private final String message;
    private final String displayMessage;
    private final OxCategory category;

    OxErrorCode(String prefix, int number, String message, String displayMessage, OxCategory category) {
        this.prefix = prefix;
        this.number = number;
        this.message = message;
        this.displayMessage = displayMessage;
        this.category = category;
    }

    /** The code as the API writes it, e.g. {@code SES-0203}. */
    public String code() {
        return "%s-%04d".formatted(prefix, number);
    }

    public String message() {
        return message;
    }

    public String displayMessage() {
        return displayMessage;
    }

    public OxCategory category() {
        return category;
    }
}
