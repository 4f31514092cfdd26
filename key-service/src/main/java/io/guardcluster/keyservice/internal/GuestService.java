package io.guardcluster.keyservice.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.account.AccountService;
import io.guardcluster.keyservice.account.GuardUser;
import io.guardcluster.keyservice.account.repository.GuestRepository;
import io.guardcluster.keyservice.account.repository.UserRepository;
import io.guardcluster.keyservice.directory.MailAddress;
import io.guardcluster.keyservice.internal.RecipientService.RecipientKey;
import io.guardcluster.keyservice.internal.RecipientService.Source;
import io.guardcluster.keyservice.key.KeyService;
import io.guardcluster.keyservice.key.UserKey;
import io.guardcluster.keyservice.key.repository.KeyRepository;
import io.guardcluster.keyservice.pgp.KeyInfo;
import io.guardcluster.keyservice.pgp.KeyProfile;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Guests (OX Guard semantics): when a Guard user encrypts mail to an external address that has no key anywhere,
 * mail-service asks for a guest. Guard then holds a key for that address, the mail is encrypted to it, and the
 * recipient reads it in Guard's guest reader after a link and an initial password reach them by mail.
 *
 * <ul>
 * <li><b>Account.</b> A guest is a {@code guard_user} in the reserved {@link GuardUser#GUEST_CONTEXT context 0}
 * with a user id from {@code guard_guest} (AUTO_INCREMENT, never reused), so it never shares an id with a real user;
 * its keys are protected like everybody's (key-protection secret wrapped under its Guard password, recovery data
 * when the deployment keeps it).</li>
 * <li><b>Initial password.</b> Random ({@code guard.password.temporary-length} letters and digits), returned once
 * to the caller, who mails it; only its Argon2 wrap is stored. Like a reset's temporary password it must be changed
 * ({@code PUT /api/keys/password}) before the guest's key can be used: it travelled by mail.</li>
 * <li><b>Idempotent.</b> An address that already has an account (guest or Guard user) gets that account's current
 * key, no password and nothing new; two concurrent first calls end with one guest (the address is unique in
 * {@code guard_user}), the loser answering like a second call.</li>
 * <li><b>Identity.</b> A guest acts through the same signed internal identity as a user:
 * {@code (contextId 0, userId, address)}, minted by mail-service's guest login (every node holding
 * {@code oxguardpass} can sign one); the gateway's groupware path never yields context 0. With it the guest uses
 * the endpoints any user has for their own keys (session keys, password, unlock tokens, signing).</li>
 * <li><b>Not published.</b> The directory (HKP, WKD) leaves guests out: their keys are Guard's stand-in for people
 * without a key, and a lookup must not reveal whom Guard users write to.</li>
 * </ul>
 */
@ApplicationScoped
public class GuestService {

    private static final Logger LOG = Logger.getLogger(GuestService.class);

    /**
     * The answer for an address.
     *
     * @param guest           whether the address belongs to a guest (false: a Guard user)
     * @param created         whether this call created the guest
     * @param contextId       the guest's identity (context 0), absent for a Guard user
     * @param userId          the guest's user id, absent for a Guard user
     * @param key             the current key to encrypt to
     * @param initialPassword only when created: the guest's first password, not stored anywhere in the clear
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Guest(String email, boolean guest, boolean created, Integer contextId, Integer userId, RecipientKey key,
            String initialPassword) {
        @Override
        public String toString() {
            return "Guest[" + contextId + "/" + userId + ", created=" + created + ", password=redacted]";
        }
    }

    private final AccountService accounts;
    private final KeyService keyService;
    private final UserRepository users;
    private final GuestRepository guests;
    private final KeyRepository keys;
    private final MeterRegistry meters;

    GuestService(AccountService accounts, KeyService keyService, UserRepository users, GuestRepository guests,
            KeyRepository keys, MeterRegistry meters) {
        this.accounts = accounts;
        this.keyService = keyService;
        this.users = users;
        this.guests = guests;
        this.keys = keys;
        this.meters = meters;
    }

    /**
     * The account for {@code email}, created as a guest (ed25519 key, user ID "name &lt;email&gt;") if the address
     * has none. {@code inviter}: the user whose mail needs it.
     */
    public Uni<Guest> create(InternalIdentity inviter, String email, String name) {
        if (inviter.contextId() == GuardUser.GUEST_CONTEXT) {
            return Uni.createFrom().failure(GuardProblemException.forbidden("guest-cannot-invite",
                    "a guest cannot create guest accounts for others"));
        }
        String address = MailAddress.parse(email).filter(a -> MailAddress.domainOf(a).contains("."))
                .orElseThrow(() -> GuardProblemException.badRequest("invalid-email",
                        "\"email\" must be one e-mail address, like bob@example.net"));
        String userId = KeyService.userId(name, address);
        return existing(address).chain(found -> found.isPresent()
                ? Uni.createFrom().item(found.get()).invoke(() -> meters.counter("guard.guests", "result", "existing").increment())
                : createGuest(inviter, address, userId));
    }

    /** The account that already holds {@code address}, with its current key; 409 if that key is not usable. */
    private Uni<Optional<Guest>> existing(String address) {
        return users.findByEmail(address).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<Guest>empty());
            }
            GuardUser user = found.get();
            return keys.current(user.contextId(), user.userId()).map(current -> {
                UserKey key = current.filter(GuestService::usable).orElseThrow(() -> GuardProblemException.conflict(
                        "recipient-without-key", "the account of " + address + " has no current key to encrypt to"));
                RecipientKey recipientKey = new RecipientKey(key.fingerprint(), Source.GUARD,
                        OpenPgpKeys.armor(OpenPgpKeys.readPublic(key.publicKey())));
                return Optional.of(user.isGuest()
                        ? new Guest(address, true, false, user.contextId(), user.userId(), recipientKey, null)
                        : new Guest(address, false, false, null, null, recipientKey, null));
            });
        });
    }

    private Uni<Guest> createGuest(InternalIdentity inviter, String address, String userId) {
        char[] initial = accounts.temporaryPassword();
        // The id is committed on its own, so no database connection waits while Argon2 and key generation run.
        return guests.allocate(address, inviter.contextId(), inviter.userId())
                .chain(id -> {
                    InternalIdentity guest = new InternalIdentity(GuardUser.GUEST_CONTEXT, id, address, Instant.now());
                    return accounts.prepare(guest, new String(initial), Optional.empty())
                            .chain(account -> keyService.generateProtected(account.secret(), KeyProfile.ED25519, userId)
                                    .chain(ring -> store(temporary(account.user()), ring)))
                            .map(key -> new Guest(address, true, true, GuardUser.GUEST_CONTEXT, id, key, new String(initial)))
                            .invoke(() -> {
                                meters.counter("guard.guests", "result", "created").increment();
                                LOG.infof("guest %d created at the request of user %d in context %d", id, inviter.userId(),
                                        inviter.contextId());
                            });
                })
                // Another request created an account for the address first: answer as for a second call.
                .onFailure(KeyService::isDuplicate).recoverWithUni(() -> existing(address).map(found -> found.orElseThrow(
                        AccountService::concurrentChange)))
                .eventually(() -> Arrays.fill(initial, '\0'));
    }

    /** The guest's user row, its key and its current-key mark, in one transaction. */
    private Uni<RecipientKey> store(GuardUser user, PGPSecretKeyRing ring) {
        PGPPublicKeyRing publicKey = OpenPgpKeys.publicKey(ring);
        KeyInfo info = KeyInfo.of(publicKey);
        return keys.pool().withTransaction(tx -> users.insert(tx, user)
                .chain(() -> keys.insert(tx, user.contextId(), user.userId(), info, OpenPgpKeys.encode(publicKey),
                        OpenPgpKeys.encode(ring), List.of(user.email())))
                .chain(row -> keys.setCurrent(tx, user.contextId(), user.userId(), row)))
                .map(done -> new RecipientKey(info.fingerprint(), Source.GUARD, OpenPgpKeys.armor(publicKey)));
    }

    /** The initial password travels by mail: like a reset's, it must be changed before the keys are used. */
    private static GuardUser temporary(GuardUser user) {
        return new GuardUser(user.contextId(), user.userId(), user.email(), user.recoveryEmail(), user.passwordWrap(),
                user.recovery(), true, user.revision());
    }

    private static boolean usable(UserKey key) {
        return key.revoked().isEmpty() && key.expires().filter(e -> !e.isAfter(Instant.now())).isEmpty();
    }
}
