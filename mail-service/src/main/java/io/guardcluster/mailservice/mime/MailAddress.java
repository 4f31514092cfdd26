package io.guardcluster.mailservice.mime;

import java.util.Locale;
import java.util.Objects;

/**
 * A mailbox: an address and its display name, read from a header (with RFC 2047 words decoded) or to be written to one.
 *
 * @param name    the display name, "" if none
 * @param address the addr-spec ("local@domain") without angle brackets or comments
 */
public record MailAddress(String name, String address) {

    public MailAddress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        name = name.strip();
        address = address.strip();
        if (address.isEmpty()) {
            throw new IllegalArgumentException("an address is empty");
        }
    }

    /** An address without display name. */
    public static MailAddress of(String address) {
        return new MailAddress("", address);
    }

    /** The domain part (after the last '@'), lower case; "" if there is none. */
    public String domain() {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Whether both name the same mailbox, ignoring case (local parts are case-sensitive by RFC 5321, but no provider
     * treats them so, and Autocrypt compares them case-insensitively).
     */
    public boolean sameAddress(String other) {
        return address.equalsIgnoreCase(other.strip());
    }

    @Override
    public String toString() {
        // addresses are personal data: not in logs through toString
        return "MailAddress[" + domain() + "]";
    }
}
