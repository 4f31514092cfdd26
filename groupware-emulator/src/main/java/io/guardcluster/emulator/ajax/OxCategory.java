package io.guardcluster.emulator.ajax;

/**
 * Error categories of the OX HTTP API: the {@code categories} field carries the name, the legacy
 * {@code category} field the number.
 *
 * <p>Names: appsuite-middleware {@code com.openexchange.exception.Category.EnumType}; numbers:
 * {@code com.openexchange.exception.Categories#getFormerCategoryNumber}. The response fields are described
 * in the HTTP API introduction ({@code documentation-generic/http_api/documents/intro/1_introduction.md},
 * "Response body").
 */
public enum OxCategory {
    USER_INPUT(1),
    CONFIGURATION(2),
    PERMISSION_DENIED(3),
    TRY_AGAIN(4),
    SERVICE_DOWN(5),
    CONNECTIVITY(6),
    ERROR(8),
    CONFLICT(9),
    CAPACITY(11),
    TRUNCATED(12),
    WARNING(13);

    private final int legacyNumber;

    OxCategory(int legacyNumber) {
        this.legacyNumber = legacyNumber;
    }

    public int legacyNumber() {
        return legacyNumber;
    }
}
