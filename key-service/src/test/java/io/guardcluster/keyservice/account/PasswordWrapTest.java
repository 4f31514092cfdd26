package io.guardcluster.keyservice.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class PasswordWrapTest {

    private static final PasswordWrap.Cost CHEAP = new PasswordWrap.Cost(64, 1, 1);

    /** Returns 0x00, 0x01, 0x02... so salt and nonce are predictable and the layout can be pinned. */
    private static SecureRandom counting() {
        return new SecureRandom() {
            private int next;

            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) next++;
                }
            }
        };
    }

    private static KeyProtectionSecret secret(int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        return KeyProtectionSecret.takeOwnership(bytes);
    }

    @Test
    void layoutIsPinned() {
        byte[] wrap = PasswordWrap.wrap(secret(7), "correct horse".toCharArray(), new PasswordWrap.Cost(19456, 2, 1), 1, 42,
                counting());
        String hex = HexFormat.of().formatHex(wrap);
        assertThat(wrap).hasSize(84);
        // version 01, KDF 01 (Argon2id), memory 00004c00 (19456 KiB), iterations 02, parallelism 01
        assertThat(hex).startsWith("010100004c000201");
        // salt = 00..0f, nonce = 10..1b (the counting random), then 48 bytes of ciphertext and tag
        assertThat(hex.substring(16, 72)).isEqualTo("000102030405060708090a0b0c0d0e0f101112131415161718191a1b");
        // Golden ciphertext and tag: Argon2id and AES-GCM are deterministic given salt and nonce. If this
        // changes, wraps already stored no longer open.
        assertThat(hex.substring(72)).isEqualTo("89c15e2d036cb8033673bb9989797592a33b96ee320cce41dacf24ea2045cf09"
                + "1c3a3f39b836f004cadaf293b9d8c8da");
    }

    @Test
    void goldenWrapOpens() throws Exception {
        byte[] golden = HexFormat.of().parseHex("010100004c000201000102030405060708090a0b0c0d0e0f101112131415161718191a1b"
                + "89c15e2d036cb8033673bb9989797592a33b96ee320cce41dacf24ea2045cf091c3a3f39b836f004cadaf293b9d8c8da");
        try (KeyProtectionSecret opened = PasswordWrap.unwrap(golden, "correct horse".toCharArray(), 1, 42)) {
            assertThat(opened.copyBytes()).containsOnly(7);
        }
    }

    @Test
    void rightPasswordOpensWrongOneDoesNot() throws Exception {
        byte[] wrap = PasswordWrap.wrap(secret(9), "right password".toCharArray(), CHEAP, 1, 5, new SecureRandom());
        try (KeyProtectionSecret opened = PasswordWrap.unwrap(wrap, "right password".toCharArray(), 1, 5)) {
            assertThat(opened.copyBytes()).containsOnly(9);
        }
        assertThatThrownBy(() -> PasswordWrap.unwrap(wrap, "wrong password".toCharArray(), 1, 5))
                .isInstanceOf(PasswordWrap.WrongPasswordException.class);
    }

    @Test
    void wrapDoesNotOpenForAnotherUser() {
        byte[] wrap = PasswordWrap.wrap(secret(9), "right password".toCharArray(), CHEAP, 1, 5, new SecureRandom());
        assertThatThrownBy(() -> PasswordWrap.unwrap(wrap, "right password".toCharArray(), 1, 6))
                .isInstanceOf(PasswordWrap.WrongPasswordException.class);
        assertThatThrownBy(() -> PasswordWrap.unwrap(wrap, "right password".toCharArray(), 2, 5))
                .isInstanceOf(PasswordWrap.WrongPasswordException.class);
    }

    @Test
    void tamperingLooksLikeAWrongPassword() {
        byte[] wrap = PasswordWrap.wrap(secret(9), "right password".toCharArray(), CHEAP, 1, 5, new SecureRandom());
        wrap[50] ^= 1;
        assertThatThrownBy(() -> PasswordWrap.unwrap(wrap, "right password".toCharArray(), 1, 5))
                .isInstanceOf(PasswordWrap.WrongPasswordException.class);
    }

    @Test
    void costTravelsWithTheWrap() {
        byte[] wrap = PasswordWrap.wrap(secret(1), "pw-123456".toCharArray(), new PasswordWrap.Cost(128, 3, 2), 1, 1,
                new SecureRandom());
        assertThat(PasswordWrap.costOf(wrap)).isEqualTo(new PasswordWrap.Cost(128, 3, 2));
    }

    @Test
    void secretNeverPrints() {
        assertThat(secret(7)).hasToString("KeyProtectionSecret[redacted]");
    }
}
