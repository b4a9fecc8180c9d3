package io.talentats.email.itests.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * GreenMail running inside Karaf on free loopback ports: plain SMTP and IMAP, and SMTPS and IMAPS with the test
 * certificate. Started with the mail class loader as context loader so that its threads can parse MIME inside OSGi.
 */
public final class GreenMailServer {

    private final GreenMail greenMail;

    private GreenMailServer(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    public static GreenMailServer start(TestCertificates certs, ClassLoader mailClassLoader) {
        System.setProperty("greenmail.tls.keystore.file", certs.keyStore().toString());
        System.setProperty("greenmail.tls.keystore.password", TestCertificates.PASSWORD);
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(mailClassLoader);
        try {
            GreenMail gm = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort(),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort(),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS).dynamicPort()
            });
            gm.start();
            return new GreenMailServer(gm);
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    public int smtpsPort() {
        return greenMail.getSmtps().getPort();
    }

    public int imapPort() {
        return greenMail.getImap().getPort();
    }

    public int imapsPort() {
        return greenMail.getImaps().getPort();
    }

    public void stop() {
        greenMail.stop();
    }
}
