package io.guardcluster.mailservice.api;

import io.guardcluster.mailservice.backend.MailSummary;
import io.guardcluster.mailservice.guest.GuestAccess;
import io.guardcluster.mailservice.guest.GuestDelivery;
import io.guardcluster.mailservice.pgp.SignatureReport;
import io.guardcluster.mailservice.read.MailView;
import io.guardcluster.mailservice.send.ComposeRequest;
import io.guardcluster.mailservice.send.MailSender;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The records this service reads and writes as JSON, registered for reflection so a native image (de)serialises
 * them as the JVM does: Quarkus registers a resource method's own parameter and return types, not the records nested
 * in them.
 */
@RegisterForReflection(targets = { MailView.class, MailView.Address.class, MailView.Headers.class, MailView.Security.class,
        MailView.Attachment.class, MailView.Autocrypt.class, SignatureReport.class, MailSender.SendResult.class,
        MailSender.RecipientResult.class, GuestDelivery.Invitation.class, ComposeRequest.class,
        ComposeRequest.AttachmentRequest.class, MailSummary.class, MailSummary.Address.class, GuestAccess.Login.class,
        GuestAccess.SessionAnswer.class, GuestAccess.Reply.class, GuestAccess.ReplyResult.class })
final class JsonTypes {

    private JsonTypes() {
    }
}
