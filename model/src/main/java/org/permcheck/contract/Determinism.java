package org.permcheck.contract;

import java.util.Locale;

/**
 * How alike two answers to the same call must be (docs/spec.md R1): a level a backend declares per op
 * (docs/protocol.md, hello's {@code determinism}), and R1 judges the second call against it. Each level
 * allows what the one before forbids.
 */
public enum Determinism {
    /** Every specified element of every output the same bits, reductions included (their sums run in one fixed order). */
    BIT_EXACT("bit_exact"),
    /** DATA and INDEX outputs the same bits (the same order inside every group); reductions may differ, each within C5. */
    GROUP_ORDER("group_order"),
    /**
     * Each expert's group may come back in another order, its contents the same multiset (rows as byte strings,
     * slots as numbers); everything outside the groups, and reductions, as {@link #GROUP_ORDER}.
     */
    MULTISET("multiset");

    private final String wireName;

    Determinism(String wireName) { this.wireName = wireName; }

    /** The level's name in hello, reports and violation text: "bit_exact", "group_order", "multiset". */
    public String wireName() { return wireName; }

    /** The level a backend has when it declares none for the op: today's R1, so no undeclared verdict moves. */
    public static Determinism defaultFor(Op op) {
        return op.groupOrder() == GroupOrder.MULTISET ? MULTISET : GROUP_ORDER;
    }

    /** The level of that wire name; anything else is an {@link IllegalArgumentException} naming the known ones. */
    public static Determinism byWireName(String name) {
        for (Determinism d : values()) {
            if (d.wireName.equals(name.toLowerCase(Locale.ROOT))) return d;
        }
        throw new IllegalArgumentException("unknown determinism level '" + name + "' (known: bit_exact, group_order, multiset)");
    }
}
