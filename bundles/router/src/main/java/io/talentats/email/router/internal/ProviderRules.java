package io.talentats.email.router.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.talentats.email.api.Account;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.SendingLimit;
import io.talentats.email.support.ConfigValues;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.MessageStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an account's provider means for sending through it: its sending limits (the preset's, or the operator's
 * override) and whether the provider files sent mail itself (then no copy goes to the Sent folder).
 */
final class ProviderRules {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRules.class);

    private final Map<String, List<SendingLimit>> limitOverrides;
    private final Supplier<ProviderPresets> presets;
    private final MessageStore store;

    ProviderRules(String[] sendingLimits, Supplier<ProviderPresets> presets, MessageStore store) {
        this.limitOverrides = parseLimits(sendingLimits);
        this.presets = presets;
        this.store = store;
    }

    /** A limiter for the account, primed with what it sent within its longest period. */
    SendingLimiter limiterFor(MailAccount account, Instant now) {
        List<SendingLimit> limits = limitsFor(account.presetId(), account.emailAddress());
        long longest = limits.stream().mapToLong(l -> l.period().toMillis()).max().orElse(0);
        List<Instant> recent = limits.isEmpty() ? List.of()
                : store.sentThroughUserSmtpSince(account.userId(), now.minusMillis(longest));
        return new SendingLimiter(limits, recent);
    }

    /**
     * Whether a copy of what the account sends goes to its Sent folder: never for mail sent through a provider's API
     * (Graph and Gmail file it themselves: a copy would be a second one).
     */
    boolean wantsSentCopy(MailAccount account) {
        if (!Account.SMTP_IMAP.equals(account.access())) {
            return false;
        }
        if (account.saveSentCopy() != null) {
            return account.saveSentCopy();
        }
        return preset(account.presetId(), account.emailAddress()).map(p -> !p.filesSentMail()).orElse(true);
    }

    List<SendingLimit> limitsFor(String presetId, String address) {
        Optional<ProviderPreset> preset = preset(presetId, address);
        List<SendingLimit> override = limitOverrides.get(preset.map(ProviderPreset::id).orElse("*"));
        if (override != null) {
            return override;
        }
        return preset.map(ProviderPreset::sendingLimits).orElse(List.of());
    }

    private Optional<ProviderPreset> preset(String presetId, String address) {
        ProviderPresets p = presets.get();
        if (p == null) {
            return Optional.empty();
        }
        return presetId != null ? p.find(presetId) : p.lookup(address);
    }

    /**
     * Reads PRESET=COUNT/PERIOD[,COUNT/PERIOD] entries. A .cfg file gives one string for all presets
     * ({@code outlook=30/PT1M,300/P1D,gmail=500/P1D}), ConfigAdmin an array of them: both work, as a part with '='
     * starts the next preset. A bad entry is reported and skipped.
     */
    static Map<String, List<SendingLimit>> parseLimits(String[] entries) {
        List<String> perPreset = new ArrayList<>();
        for (String part : ConfigValues.list(entries)) {
            if (part.contains("=") || perPreset.isEmpty()) {
                perPreset.add(part);
            } else {
                perPreset.set(perPreset.size() - 1, perPreset.get(perPreset.size() - 1) + "," + part);
            }
        }
        Map<String, List<SendingLimit>> out = new HashMap<>();
        for (String entry : perPreset) {
            int eq = entry.indexOf('=');
            try {
                if (eq <= 0) {
                    throw new IllegalArgumentException("no '='");
                }
                List<SendingLimit> limits = new ArrayList<>();
                for (String spec : entry.substring(eq + 1).split(",")) {
                    String[] parts = spec.trim().split("/");
                    limits.add(new SendingLimit(Integer.parseInt(parts[0].trim()), Duration.parse(parts[1].trim())));
                }
                out.put(entry.substring(0, eq).trim(), List.copyOf(limits));
            } catch (RuntimeException e) {
                LOG.error("Ignoring sending limit '{}' in {}: write it as PRESET=COUNT/PERIOD[,COUNT/PERIOD], e.g. "
                        + "outlook=30/PT1M,300/P1D", entry, RouterConfig.PID);
            }
        }
        return out;
    }
}
