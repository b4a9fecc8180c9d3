package io.talentats.email.mail.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets from our trust material, with TCP_NODELAY on the connection underneath. Angus layers it over a plain
 * socket for both implicit TLS and STARTTLS, then checks the server's identity itself.
 */
final class TlsSocketFactory extends SSLSocketFactory {

    private final SSLSocketFactory delegate;

    TlsSocketFactory(SSLContext context) {
        this.delegate = context.getSocketFactory();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        s.setTcpNoDelay(true);
        return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket() throws IOException {
        Socket s = delegate.createSocket();
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = delegate.createSocket(host, port);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = delegate.createSocket(host, port, localHost, localPort);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = delegate.createSocket(host, port);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = delegate.createSocket(address, port, localAddress, localPort);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}
