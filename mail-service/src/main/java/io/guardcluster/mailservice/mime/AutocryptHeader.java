package io.guardcluster.mailservice.mime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An Autocrypt header (Autocrypt Level 1, section 2.1): the sender's address, whether they prefer encrypted mail, and
 * their OpenPGP public key (binary, as in the header). Parse with {@link #fromMessage(MimePart)} (the Level 1 rules for
 * which header counts) or {@link #parse(String)}; write with {@link #toHeader()}. The key is not checked here: the
 * caller parses it as a certificate and checks that one of its user ids carries {@link #addr()}.
 *
 * @param addr          the address the key is for
 * @param preferEncrypt true for {@code prefer-encrypt=mutual}; false for no preference (absent or any other value)
 * @param keyData       the binary OpenPGP certificate
 */
public record AutocryptHeader(String addr, boolean preferEncrypt, byte[] keyData) {

    public static final String NAME = "Autocrypt";
    public static final String GOSSIP = "Autocrypt-Gossip";

    public AutocryptHeader {
        Objects.requireNonNull(addr, "addr");
        if (addr.isBlank() || addr.chars().anyMatch(c -> c <= ' ' || c == ';' || c > 126)) {
            throw new IllegalArgumentException("an Autocrypt addr must be a plain ASCII address");
        }
        if (keyData.length == 0) {
            throw new IllegalArgumentException("Autocrypt keydata is empty");
        }
        keyData = keyData.clone();
    }

    @Override
    public byte[] keyData() {
        return keyData.clone();
    }

    /**
     * Parses one header value. Empty when it is not a valid Autocrypt header: addr or keydata missing, keydata not
     * base64, or an unknown critical attribute (a name not starting with '_'), which the spec says makes the whole
     * header to be ignored.
     */
    public static Optional<AutocryptHeader> parse(String value) {
        String addr = null;
        String keydata = null;
        boolean mutual = false;
        for (String attribute : value.split(";")) {
            int eq = attribute.indexOf('=');
            if (eq < 0) {
                if (attribute.isBlank()) {
                    continue;
                }
                return Optional.empty();
            }
            String name = attribute.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String content = attribute.substring(eq + 1).strip();
            switch (name) {
                case "addr" -> addr = addr == null ? content : addr;
                case "keydata" -> keydata = keydata == null ? content : keydata;
                case "prefer-encrypt" -> mutual = content.equalsIgnoreCase("mutual");
                default -> {
                    if (!name.startsWith("_")) {
                        return Optional.empty();
                    }
                }
            }
        }
        if (addr == null || addr.isEmpty() || keydata == null) {
            return Optional.empty();
        }
        try {
            byte[] key = Base64.getDecoder().decode(keydata.replaceAll("\\s+", ""));
            return Optional.of(new AutocryptHeader(addr, mutual, key));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The sender's Autocrypt header of a received message, by the Level 1 rules: none if the From field does not
     * hold exactly one address, if the message is a multipart/report (a bounce quoting someone else's mail), or if
     * not exactly one valid Autocrypt header has an addr equal (ignoring case) to the From address.
     */
    public static Optional<AutocryptHeader> fromMessage(MimePart message) {
        List<MailAddress> from = Envelope.addresses(message, "From");
        if (from.size() != 1 || message.contentType().is("multipart/report")) {
            return Optional.empty();
        }
        List<AutocryptHeader> valid = new ArrayList<>();
        for (String value : message.headerValues(NAME)) {
            parse(value).filter(h -> from.get(0).sameAddress(h.addr())).ifPresent(valid::add);
        }
        return valid.size() == 1 ? Optional.of(valid.get(0)) : Optional.empty();
    }

    /**
     * The Autocrypt-Gossip headers of a decrypted payload (the root of the decrypted MIME entity) whose addr is one of
     * the message's recipients (To and Cc of the outer message); others are ignored, as the spec says.
     */
    public static List<AutocryptHeader> gossip(MimePart payload, Collection<MailAddress> recipients) {
        List<AutocryptHeader> result = new ArrayList<>();
        for (String value : payload.headerValues(GOSSIP)) {
            parse(value).filter(h -> recipients.stream().anyMatch(r -> r.sameAddress(h.addr())))
                    .ifPresent(result::add);
        }
        return List.copyOf(result);
    }

    /**
     * The header to send: "addr=...; [prefer-encrypt=mutual; ]keydata=" and the base64 key folded into lines of at
     * most 78 characters (each a space and 76 characters), as the spec and RFC 5322 ask.
     */
    public HeaderField toHeader() {
        return new HeaderField(NAME, value(true));
    }

    /** The same as an Autocrypt-Gossip header (no prefer-encrypt, which gossip does not carry). */
    public HeaderField toGossipHeader() {
        return new HeaderField(GOSSIP, value(false));
    }

    private String value(boolean withPreference) {
        StringBuilder out = new StringBuilder("addr=").append(addr).append("; ");
        if (withPreference && preferEncrypt) {
            out.append("prefer-encrypt=mutual; ");
        }
        out.append("keydata=");
        String base64 = Base64.getEncoder().encodeToString(keyData);
        for (int i = 0; i < base64.length(); i += 76) {
            out.append("\r\n ").append(base64, i, Math.min(base64.length(), i + 76));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AutocryptHeader h && addr.equals(h.addr) && preferEncrypt == h.preferEncrypt
                && Arrays.equals(keyData, h.keyData);
    }

    @Override
    public int hashCode() {
        return Objects.hash(addr, preferEncrypt, Arrays.hashCode(keyData));
    }

    @Override
    public String toString() {
        return "AutocryptHeader[" + (preferEncrypt ? "mutual, " : "") + keyData.length + " bytes of key]";
    }
}
