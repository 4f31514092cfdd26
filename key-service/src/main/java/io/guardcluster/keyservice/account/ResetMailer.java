package io.guardcluster.keyservice.account;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/** Mails the temporary password of a reset. The text carries the password, so it is never logged. */
@ApplicationScoped
public class ResetMailer {

    private final ReactiveMailer mailer;
    private final AccountConfig.Recovery config;

    ResetMailer(ReactiveMailer mailer, AccountConfig.Recovery config) {
        this.mailer = mailer;
        this.config = config;
    }

    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 500)
    public Uni<Void> send(String to, char[] temporaryPassword) {
        String product = config.productName().orElse("Guard");
        String text = "Your " + product + " password was reset at your request.\n\n"
                + "Temporary password: " + new String(temporaryPassword) + "\n\n"
                + "Use it once to unlock your keys and choose a new password right away. If you did not ask for "
                + "this reset, tell your administrator.\n";
        return mailer.send(Mail.withText(to, config.mailSubject(), text).setFrom(config.mailFrom()));
    }
}
