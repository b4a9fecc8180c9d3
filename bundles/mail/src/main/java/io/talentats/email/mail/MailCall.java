package io.talentats.email.mail;

import jakarta.mail.MessagingException;

/** Work with Jakarta Mail that must run with the class loader Angus needs; see {@link MailSessions#call}. */
@FunctionalInterface
public interface MailCall<T> {

    T call() throws MessagingException;
}
