package io.talentats.email.shell.internal;

import java.util.List;

import io.talentats.email.api.FieldError;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.SubmitReceipt;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

@Command(scope = "email", name = "send", description = "Sends a message to a candidate through the router")
@Service
public class SendCommand implements Action {

    @Reference
    MessageRouter router;

    @Option(name = "--user", description = "The sending recruiter's ATS user id", required = true)
    @Completion(Completers.Users.class)
    String user;

    @Option(name = "--kind", description = "STAGE_CHANGE, INTERVIEW_INVITATION or CUSTOM")
    @Completion(value = StringsCompleter.class, values = {"STAGE_CHANGE", "INTERVIEW_INVITATION", "CUSTOM"})
    MessageKind kind = MessageKind.CUSTOM;

    @Option(name = "--to", description = "The candidate's address", required = true, multiValued = true)
    List<String> to;

    @Option(name = "--subject", required = true)
    String subject;

    @Option(name = "--body", description = "Plain-text body", required = true)
    String body;

    @Option(name = "--thread", description = "The ATS thread this message continues or starts")
    String thread;

    @Option(name = "--candidate", description = "The ATS candidate id")
    String candidate;

    @Option(name = "--reply-address", description = "The recruiter's address, when the platform sends for them")
    String replyAddress;

    @Override
    public Object execute() throws Exception {
        try {
            SubmitReceipt r = router.submit(OutboundMessage.builder().senderUserId(user).kind(kind).to(to)
                    .subject(subject).textBody(body).threadId(thread).candidateId(candidate)
                    .senderAddress(replyAddress).build());
            System.out.println("Queued message " + r.messageId() + " via " + r.route()
                    + (r.duplicate() ? " (already queued before)" : "") + ". Follow it with email:outbox or "
                    + "email:thread.");
        } catch (MessageRejectedException e) {
            StringBuilder why = new StringBuilder("Not sent (" + e.reason() + "): " + e.getMessage());
            for (FieldError f : e.errors()) {
                why.append("\n  ").append(f.field()).append(": ").append(f.message());
            }
            throw UserCommand.refused(why.toString());
        }
        return null;
    }
}
