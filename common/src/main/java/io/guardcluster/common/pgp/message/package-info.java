/**
 * Streaming OpenPGP message encryption for bulk data (files, later mail bodies), in constant memory whatever the size.
 * <p>
 * A message is stored as two parts: its <b>session key packets</b> ({@link io.guardcluster.common.pgp.message.EncryptedSessionKeys},
 * small, one PKESK per recipient) and its <b>body</b> (the encrypted data packet, streamed). Concatenated they are an
 * ordinary binary OpenPGP message that GnuPG 2.2, Sequoia and OpenPGP.js read. The parts change independently: sharing
 * a message adds a PKESK made from the session key ({@link io.guardcluster.common.pgp.message.EncryptedSessionKey#encrypt}),
 * withdrawing it drops one; the body is never re-encrypted.
 * <ol>
 * <li>Encrypt: {@link io.guardcluster.common.pgp.message.MessageEncryptor#encrypt} writes the body to the caller's
 * stream as plaintext is written to the returned stream; the session key packets and the
 * {@link io.guardcluster.common.pgp.message.SessionKey} (destroyable, the caller's) are there at once.</li>
 * <li>Split an uploaded message (binary or armored): {@link io.guardcluster.common.pgp.message.SplitMessage#read},
 * bounded, refusing anything that is not an integrity-protected encrypted message.</li>
 * <li>Decrypt: get the session key from the key service (it decrypts one PKESK; private keys never leave it), then
 * {@link io.guardcluster.common.pgp.message.MessageDecryptor#decrypt} the body.</li>
 * </ol>
 * What it promises: plaintext handed out is authenticated only when its stream has ended; every decryption failure
 * is the one {@link io.guardcluster.common.pgp.message.MessageIntegrityException} (no oracle); nothing here logs, and
 * no type here prints, key material or plaintext. What it does not do: choose or validate certificates beyond picking
 * the encryption subkey ({@link io.guardcluster.common.pgp.message.RecipientKeys}), sign, or verify signatures.
 * <p>
 * Uses BouncyCastle (bcpg, bcprov: provided scope here, so the services that use this package declare them) with
 * the JCE builders for the bulk cipher, the platform's default provider, and no global provider registration.
 */
package io.guardcluster.common.pgp.message;
