package io.guardcluster.keyservice.pgp;

import java.util.Locale;
import java.util.Objects;

/**
 * What kind of key we generate: {@code ed25519} (v4 EdDSA Ed25519 primary, ECDH Cv25519 subkey) or
 * {@code rsa2048}/{@code rsa3072}/{@code rsa4096} (RSA primary and subkey of that size, e = 65537).
 *
 * @param algorithm the algorithm family
 * @param rsaBits   the RSA modulus size; 0 for {@link Algorithm#ED25519}
 */
public record KeyProfile(Algorithm algorithm, int rsaBits) {

    public enum Algorithm { ED25519, RSA }

    public static final KeyProfile ED25519 = new KeyProfile(Algorithm.ED25519, 0);
    public static final KeyProfile RSA2048 = new KeyProfile(Algorithm.RSA, 2048);
    public static final KeyProfile RSA3072 = new KeyProfile(Algorithm.RSA, 3072);
    public static final KeyProfile RSA4096 = new KeyProfile(Algorithm.RSA, 4096);

    public KeyProfile {
        Objects.requireNonNull(algorithm, "algorithm");
        if (algorithm == Algorithm.ED25519 && rsaBits != 0) {
            throw new IllegalArgumentException("ed25519 profile takes no RSA size");
        }
        if (algorithm == Algorithm.RSA && rsaBits != 2048 && rsaBits != 3072 && rsaBits != 4096) {
            throw new IllegalArgumentException("RSA size must be 2048, 3072 or 4096 bits, not " + rsaBits);
        }
    }

    /** Parses {@code ed25519}, {@code rsa2048}, {@code rsa3072} or {@code rsa4096}, in any case. */
    public static KeyProfile parse(String id) {
        if (id != null) {
            switch (id.trim().toLowerCase(Locale.ROOT)) {
                case "ed25519": return ED25519;
                case "rsa2048": return RSA2048;
                case "rsa3072": return RSA3072;
                case "rsa4096": return RSA4096;
                default: break;
            }
        }
        throw new IllegalArgumentException("unknown key profile " + (id == null ? "null" : '"' + abbreviate(id) + '"')
                + "; expected one of ed25519, rsa2048, rsa3072, rsa4096");
    }

    /** The profile's id, as accepted by {@link #parse(String)}. */
    public String id() {
        return algorithm == Algorithm.ED25519 ? "ed25519" : "rsa" + rsaBits;
    }

    @Override
    public String toString() {
        return id();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
