/**
 * The public key directory: the Guard users' own public keys over HKP and WKD, without login
 * (the paths are in {@code guard.identity.public-paths}; the gateway rate-limits them per client).
 *
 * <h2>What is published</h2>
 * Only keys in {@code guard_key} (keys Guard users generated or imported through Guard), as stored:
 * the binary transferable public key including revocation signatures. Lookups are exact; nothing
 * lists, enumerates or searches by substring.
 * <ul>
 * <li><b>By address</b> (HKP): the current key of the user whose primary address
 * ({@code guard_user.email}) it is, then that user's revoked keys whose user IDs carry the address
 * ({@code guard_key_email}), so a lookup by address also spreads revocations. Superseded keys that are
 * still valid are not offered by address (correspondents should encrypt to the current key), and a
 * key of another user that merely names the address in a user ID is never served for it.</li>
 * <li><b>By key id or fingerprint</b> (HKP): any key with a primary key or subkey of that 64-bit id
 * or v4/v6 fingerprint ({@code guard_key_id}), current or not, so {@code gpg --refresh-keys} picks
 * up revocations of old keys.</li>
 * <li><b>WKD</b>: the user's current key only, with only the user IDs that carry the address
 * (all subkeys and the primary key's own signatures, revocations included, are kept; user
 * attributes are dropped). A key without such a user ID is served whole.</li>
 * </ul>
 *
 * <h2>HKP</h2>
 * See {@link io.guardcluster.keyservice.directory.hkp.HkpResource} and
 * {@link io.guardcluster.keyservice.directory.hkp.HkpSearch}: {@code op=get} answers one armored
 * block ({@code application/pgp-keys}); {@code op=index}/{@code vindex} always answer the
 * machine-readable listing, with or without {@code options=mr}; short (32-bit) key ids are refused
 * because they are ambiguous and forgeable; {@code /pks/add} is refused.
 *
 * <h2>WKD</h2>
 * See {@link io.guardcluster.keyservice.directory.wkd.WkdResource}. The key is found by the hash in
 * the URL (index over {@code guard_user.wkd_domain, wkd_hash}, generated columns of migration V3),
 * so requests without {@code l=} work and {@code l=} is never trusted. Domains:
 * {@code guard.directory.wkd.domains}, default every domain of a stored user; the direct method
 * takes the domain from {@code X-Forwarded-Host} or {@code Host}.
 *
 * <h2>Answers</h2>
 * Success: {@code Cache-Control: public, max-age=<guard.directory.cache-max-age>} and
 * {@code Access-Control-Allow-Origin: *}. Errors are problem+json: 400 for a malformed or
 * non-exact search or op, 404 for nothing found (also unknown WKD domains and malformed WKD hashes),
 * 501 for HKP ops not offered, 403 for submission. Metrics: {@code guard.directory.lookups} by
 * {@code method} and {@code result}.
 */
package io.guardcluster.keyservice.directory;
