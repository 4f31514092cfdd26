/**
 * The MIME layer of mail-service: reading received mail into a tree, finding the OpenPGP in it, and writing mail,
 * including the RFC 3156 wrappers. Plain classes without CDI, crypto or I/O beyond byte arrays and streams; immutable
 * results, safe to share between threads. Nothing here logs, and no {@code toString()} shows addresses, subjects or
 * content.
 *
 * <h2>Reading</h2>
 * <ol>
 * <li>{@link io.guardcluster.mailservice.mime.MimeParser#parse(byte[])} (bounded by
 * {@link io.guardcluster.mailservice.mime.MimeLimits}) gives the root
 * {@link io.guardcluster.mailservice.mime.MimePart}: headers (raw and decoded), content type and parameters, transfer
 * encoding, disposition, file name, content id, children, decoded body and text, and the entity's exact bytes.
 * Anything unreadable or over a limit is a {@link io.guardcluster.mailservice.mime.MimeFormatException} whose message
 * names the problem, never the content.</li>
 * <li>{@link io.guardcluster.mailservice.mime.Envelope#of} reads From, To, Cc, Reply-To, Subject, Date, Message-ID,
 * In-Reply-To, References; {@link io.guardcluster.mailservice.mime.AutocryptHeader#fromMessage} the sender's
 * Autocrypt header by the Level 1 rules.</li>
 * <li>{@link io.guardcluster.mailservice.mime.PgpStructure#classify} says what OpenPGP the message holds:
 * PGP/MIME encrypted (the armored message to decrypt; the plaintext is an entity to parse and classify again),
 * PGP/MIME signed (the signature and the exact bytes it covers: the first part as transmitted, CRLF), or inline PGP
 * (armored and cleartext-signed blocks in text/plain parts with the text around them, OpenPGP attachments, PGP/MIME
 * containers deeper in the tree). {@link io.guardcluster.mailservice.mime.PgpData#packets()} de-armors
 * ({@link io.guardcluster.mailservice.mime.Armor}: CRC-24 checked when present, RFC 9580 armor without CRC
 * accepted).</li>
 * </ol>
 *
 * <h2>Writing</h2>
 * <ol>
 * <li>{@link io.guardcluster.mailservice.mime.MimeEntityBuilder} builds the content entity (text, HTML, attachments,
 * optionally protected headers): canonical, 7-bit, CRLF, so its bytes are what to sign.</li>
 * <li>{@link io.guardcluster.mailservice.mime.PgpMimeWriter} wraps: multipart/signed around the entity and its
 * signature, multipart/encrypted around an armored message, or inline text/plain.</li>
 * <li>{@link io.guardcluster.mailservice.mime.MailComposer#compose} puts the envelope
 * ({@link io.guardcluster.mailservice.mime.MessageHeaders}; Bcc only in
 * {@link io.guardcluster.mailservice.mime.MessageHeaders#recipients()}) in front of the entity.</li>
 * </ol>
 * <pre>{@code
 * MessageHeaders headers = composer.headers().from(alice).to(bob).subject("Angebot").build();
 * byte[] content = MimeEntityBuilder.create().text(text).attach(pdf).protectedHeaders(headers).build();
 * byte[] armored = ...;                                   // the pgp layer signs and encrypts content
 * byte[] mail = MailComposer.compose(headers.withSubject("..."), PgpMimeWriter.encrypted(armored));
 * }</pre>
 * Protected headers (draft-autocrypt-lamps-protected-headers) are the caller's choice: the builder writes them into the
 * entity when asked, and replacing the outer Subject with "..." is one call; without them an encrypted mail's Subject
 * travels in clear. No legacy-display part is written: a reader without protected-header support shows "...".
 */
package io.guardcluster.mailservice.mime;
