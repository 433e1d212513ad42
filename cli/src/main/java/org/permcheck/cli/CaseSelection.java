package org.permcheck.cli;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.run.CasePattern;

/**
 * {@code run --op / --rule / --case}: the cases of a tier that call one of the ops, exercise one of
 * the rules and match one of the id patterns (each criterion left out admits every case). A tier
 * builds its cases on demand; selecting builds each once to read its op and rules and keeps only
 * the positions, so the selection is as light as the tier.
 */
final class CaseSelection extends AbstractList<Case> implements RandomAccess {
    private final List<Case> all;
    private final int[] kept;

    private CaseSelection(List<Case> all, int[] kept) {
        this.all = all;
        this.kept = kept;
    }

    /** The selected cases, or {@code all} itself when nothing is asked; a one-line UsageError for an unknown op or rule. */
    static List<Case> of(List<Case> all, List<String> ops, List<String> rules, List<String> patterns) {
        if (ops.isEmpty() && rules.isEmpty() && patterns.isEmpty()) return all;
        List<Op> wantOps = new ArrayList<>();
        for (String o : ops) {
            try {
                wantOps.add(Op.byWireName(o));
            } catch (IllegalArgumentException e) {
                List<String> known = new ArrayList<>();
                for (Op op : Op.values()) known.add(op.wireName());
                throw new UsageError("--op " + o + ": " + e.getMessage() + " (known: " + String.join(", ", known) + ")");
            }
        }
        List<String> wantRules = new ArrayList<>();
        for (String r : rules) {
            if (Rule.byId(r).isEmpty()) throw new UsageError("--rule " + r + ": no such rule in docs/spec.md");
            wantRules.add(r);
        }
        int[] kept = new int[all.size()];
        int n = 0;
        for (int i = 0; i < all.size(); i++) {
            Case c = all.get(i);
            if (!wantOps.isEmpty() && !wantOps.contains(c.invocation().op())) continue;
            if (!wantRules.isEmpty() && wantRules.stream().noneMatch(c.rules()::contains)) continue;
            if (!patterns.isEmpty() && patterns.stream().noneMatch(p -> CasePattern.matches(p, c.id()))) continue;
            kept[n++] = i;
        }
        if (n == 0) throw new UsageError("no case of the tier matches" + describe(ops, rules, patterns) + " (see --list)");
        return new CaseSelection(all, java.util.Arrays.copyOf(kept, n));
    }

    private static String describe(List<String> ops, List<String> rules, List<String> patterns) {
        StringBuilder sb = new StringBuilder();
        for (String o : ops) sb.append(" --op ").append(o);
        for (String r : rules) sb.append(" --rule ").append(r);
        for (String p : patterns) sb.append(" --case ").append(p);
        return sb.toString();
    }

    @Override
    public int size() { return kept.length; }

    @Override
    public Case get(int i) { return all.get(kept[i]); }
}
