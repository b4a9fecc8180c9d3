package io.talentats.email.oauth.internal;

import java.util.Set;

import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.runtime.StoredSecrets;
import io.talentats.email.store.OAuthGrants;
import io.talentats.email.store.OAuthGrants.Grant;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth tokens take part in key rotation ({@code email:rotate-key}): re-encrypted under the new key before old
 * keys are retired. A component of its own, needing no cipher of its own (the key ring hands itself in), so the key
 * ring binding it is no reference cycle. A grant refreshed meanwhile keeps its refresh's ciphertext (written under
 * the new key already): the update compares versions.
 */
@Component(service = StoredSecrets.class)
public class GrantRotation implements StoredSecrets {

    private static final Logger LOG = LoggerFactory.getLogger(GrantRotation.class);

    private final OAuthGrants grants;

    @Activate
    public GrantRotation(@Reference OAuthGrants grants) {
        this.grants = grants;
    }

    @Override
    public int reencrypt(SecretCipher with, String currentKeyId, Set<String> stillNeeded) {
        int count = 0;
        for (Grant g : grants.grants()) {
            try {
                String refresh = recrypt(with, g.refreshToken(), TokenService.context(g.userId(), "refresh"),
                        currentKeyId);
                String access = recrypt(with, g.accessToken(), TokenService.context(g.userId(), "access"),
                        currentKeyId);
                boolean changed = !same(refresh, g.refreshToken()) || !same(access, g.accessToken());
                if (changed && grants.reencrypted(g.userId(), g.version(), refresh, access)) {
                    count += (same(refresh, g.refreshToken()) ? 0 : 1) + (same(access, g.accessToken()) ? 0 : 1);
                }
            } catch (IllegalStateException unreadable) {
                for (String c : new String[] {g.refreshToken(), g.accessToken()}) {
                    if (c != null) {
                        stillNeeded.add(StoredSecrets.keyIdOf(c));
                    }
                }
                LOG.warn("Key rotation: the OAuth tokens of user {} cannot be re-encrypted: {}", g.userId(),
                        unreadable.getMessage());
            }
        }
        return count;
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    private static String recrypt(SecretCipher with, String cipherText, String context, String currentKeyId) {
        if (cipherText == null || StoredSecrets.keyIdOf(cipherText).equals(currentKeyId)) {
            return cipherText;
        }
        return with.encrypt(with.decrypt(cipherText, context), context);
    }
}
