package io.guardcluster.keyservice.directory.hkp;

import java.time.Instant;
import java.util.List;

import io.guardcluster.keyservice.directory.openpgp.KeySummary;

/**
 * The machine-readable HKP index ({@code op=index&options=mr}, draft-gallagher-openpgp-hkp; GnuPG's
 * doc/KEYSERVER), what {@code gpg --search-keys} parses:
 *
 * <pre>
 * info:1:&lt;number of keys&gt;
 * pub:&lt;fingerprint&gt;:&lt;algorithm&gt;:&lt;bits&gt;:&lt;created&gt;:&lt;expires&gt;:&lt;flags r/e&gt;
 * uid:&lt;%-escaped user ID&gt;:&lt;created&gt;:&lt;expires&gt;:&lt;flags r&gt;
 * </pre>
 *
 * Times are seconds since the epoch; empty fields are allowed (user ID dates are left empty).
 */
final class HkpIndex {

    private HkpIndex() {
    }

    static String format(List<KeySummary> keys, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append("info:1:").append(keys.size()).append('\n');
        for (KeySummary key : keys) {
            out.append("pub:").append(key.fingerprint()).append(':').append(key.algorithm()).append(':')
                    .append(key.bits()).append(':').append(key.created().getEpochSecond()).append(':');
            if (key.expires() != null) {
                out.append(key.expires().getEpochSecond());
            }
            out.append(':');
            if (key.revoked()) {
                out.append('r');
            }
            if (key.expires() != null && !key.expires().isAfter(now)) {
                out.append('e');
            }
            out.append('\n');
            for (KeySummary.UserId uid : key.userIds()) {
                out.append("uid:").append(escape(uid.raw())).append("::");
                if (uid.revoked()) {
                    out.append(':').append('r');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** %-escapes everything that is not 7-bit printable ASCII, and {@code %} and {@code :} themselves. */
    static String escape(byte[] raw) {
        StringBuilder out = new StringBuilder(raw.length);
        for (byte b : raw) {
            int c = b & 0xff;
            if (c < 0x20 || c > 0x7e || c == '%' || c == ':') {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
