package org.permcheck.cli;

import java.time.Duration;
import java.util.Locale;

/** Durations as typed: "90s", "10m", "2h", "1h30m", or plain seconds ("600"). */
final class DurationArg {
    private DurationArg() {}

    static Duration parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) throw new UsageError("empty duration");
        if (s.chars().allMatch(Character::isDigit)) return Duration.ofSeconds(Long.parseLong(s));
        long total = 0, num = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isDigit(c)) {
                num = (num < 0 ? 0 : num) * 10 + (c - '0');
                if (num > 1_000_000_000L) throw new UsageError("duration '" + text + "' is too long");
            } else {
                long unit = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : c == 'd' ? 86400 : -1;
                if (unit < 0 || num < 0) throw new UsageError("bad duration '" + text + "' (use e.g. 90s, 10m, 2h, 1h30m)");
                total += num * unit;
                num = -1;
            }
        }
        if (num >= 0) throw new UsageError("bad duration '" + text + "' (a number needs a unit: s, m, h, d)");
        if (total <= 0) throw new UsageError("duration '" + text + "' must be positive");
        return Duration.ofSeconds(total);
    }
}
