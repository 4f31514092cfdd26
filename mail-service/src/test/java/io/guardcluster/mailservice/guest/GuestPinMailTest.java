package io.guardcluster.mailservice.guest;

import static io.guardcluster.mailservice.guest.GuestMailTest.NEW_PASSWORD;
import static io.guardcluster.mailservice.guest.GuestMailTest.TEXT;
import static io.guardcluster.mailservice.guest.GuestMailTest.signIn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.guardcluster.mailservice.MailWorld;
import io.guardcluster.mailservice.backend.EmulatorProcessResource;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A deployment with OX Guard's guest PIN ({@code guard.mail.guests.pin=true}): the sender gets a 4-digit PIN once,
 * no mail carries it, and a guest needs it with the password. Wrong PINs never reach key-service; the link locks
 * after {@code max-failed-attempts} (3 here) of them.
 */
@QuarkusTest
@TestProfile(GuestPinMailTest.PinProfile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "filestoreService", value = "true"))
@QuarkusTestResource(value = EmulatorProcessResource.class, restrictToAnnotatedClass = true)
class GuestPinMailTest {

    public static class PinProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.mail.guests.pin", "true", "guard.mail.guests.max-failed-attempts", "3");
        }
    }

    @ConfigProperty(name = "guard.backend.rest.url")
    String emulator;

    @Test
    void theSenderGetsThePinNoMailHasItAndTheGuestNeedsIt() throws Exception {
        GuestMailTest.Invited invited = GuestMailTest.send(MailWorld.person(emulator, "alice"), emulator,
                GuestMailTest.newGuest(), "Mit PIN", TEXT);
        String pin = invited.answer().getString("guests[0].pin");
        assertThat(pin).matches("[0-9]{4}");
        for (String mail : invited.mails()) {
            // the expiry date (yyyy-MM-dd HH:mm) is the only place four digits may stand in a mail by chance
            assertThat(mail.replaceAll("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}", "").replaceAll("Date: .*", ""))
                    .doesNotContain(pin);
        }
        String wrongPin = pin.equals("0000") ? "0001" : "0000";
        String link = invited.link();

        // no PIN, a wrong one: 403 wrong-pin; the password alone is not enough
        signIn(link, Map.of("password", invited.initialPassword(), "newPassword", NEW_PASSWORD)).then().statusCode(403)
                .contentType("application/problem+json").body("type", is("urn:guard:problem:wrong-pin"));
        signIn(link, Map.of("password", invited.initialPassword(), "pin", wrongPin, "newPassword", NEW_PASSWORD))
                .then().statusCode(403).body("type", is("urn:guard:problem:wrong-pin"));
        // the right PIN and password
        String session = signIn(link, Map.of("password", invited.initialPassword(), "pin", pin, "newPassword", NEW_PASSWORD))
                .then().statusCode(200).extract().jsonPath().getString("session");
        assertThat(given().header("X-Guard-Guest-Session", session).get("/api/guest/messages/" + link).then()
                .statusCode(200).extract().jsonPath().getString("text")).isEqualTo(TEXT);

        // a success starts the count again; three wrong PINs lock the link, then even the right one gets 423
        for (int i = 1; i < 3; i++) {
            signIn(link, Map.of("password", NEW_PASSWORD, "pin", wrongPin)).then().statusCode(403);
        }
        signIn(link, Map.of("password", NEW_PASSWORD, "pin", wrongPin)).then().statusCode(423)
                .header("Retry-After", notNullValue()).body("type", is("urn:guard:problem:guest-link-locked"));
        signIn(link, Map.of("password", NEW_PASSWORD, "pin", pin)).then().statusCode(423)
                .body("type", is("urn:guard:problem:guest-link-locked"));
    }
}
