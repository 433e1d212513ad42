package org.permcheck.cli;

import java.time.Duration;
import java.util.Locale;

/** Durations as typed: "90s", "10m", "2h", "1h30m", or plain seconds ("600"). */
final class DurationArg {
    private DurationArg() {}

    static Duration parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) throw new UsageError("empty duration");
        if (s.chars().allMatch(Character::isDigit)) {
            if (s.length() > 12) throw new UsageError("duration '" + text + "' is too long (at most " + MAX_DAYS + "d)");
            return bounded(text, Long.parseLong(s));
        }
        long total = 0, num = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isDigit(c)) {
                num = (num < 0 ? 0 : num) * 10 + (c - '0');
                if (num > 1_000_000_000L) throw new UsageError("duration '" + text + "' is too long (at most " + MAX_DAYS + "d)");
            } else {
                long unit = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : c == 'd' ? 86400 : -1;
                if (unit < 0 || num < 0) throw new UsageError("bad duration '" + text + "' (use e.g. 90s, 10m, 2h, 1h30m)");
                total += num * unit; // num <= 1e9 and unit <= 86400: no overflow within a handful of terms
                if (total > MAX_DAYS * 86400) throw new UsageError("duration '" + text + "' is too long (at most " + MAX_DAYS + "d)");
                num = -1;
            }
        }
        if (num >= 0) throw new UsageError("bad duration '" + text + "' (a number needs a unit: s, m, h, d)");
        return bounded(text, total);
    }

    /** The longest budget accepted: a year, far past any campaign, and far from overflowing a nanosecond clock. */
    static final long MAX_DAYS = 366;

    private static Duration bounded(String text, long seconds) {
        if (seconds <= 0) throw new UsageError("duration '" + text + "' must be positive");
        if (seconds > MAX_DAYS * 86400) throw new UsageError("duration '" + text + "' is too long (at most " + MAX_DAYS + "d)");
        return Duration.ofSeconds(seconds);
    }
}
