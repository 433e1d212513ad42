package org.permcheck.engine.run;

/**
 * A deterministic slice of a case list: shard {@code index} of {@code count} runs the cases whose
 * position in the full, unsharded list is congruent to {@code index} modulo {@code count}, so n
 * machines given shards 0/n .. (n-1)/n together run every case exactly once.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("bad shard " + index + "/" + count + " (need 0 <= i < n)");
        }
    }

    /** Parses "i/n" as typed after {@code --shard}. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1); // -1 keeps trailing empty parts: "0/2/" is refused
        if (parts.length != 2) throw new IllegalArgumentException("bad shard '" + text + "' (expected i/n, e.g. 0/4)");
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad shard '" + text + "' (expected i/n, e.g. 0/4)");
        }
    }

    public boolean contains(long caseIndex) { return Math.floorMod(caseIndex, (long) count) == index; }

    @Override
    public String toString() { return index + "/" + count; }
}
