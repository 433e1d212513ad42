package org.permcheck.engine.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.permcheck.contract.Rule;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;

/**
 * The failures of report.html, one expandable group per {@link FailureSignature} (the grouping every
 * report and the command line use, {@link SignatureTable}), most cases first: a backend that breaks
 * one rule everywhere shows one group of 554 cases, not 554 blocks. Each group is a
 * {@code <details id="sig-...">} carrying what the filter reads (op, status, rules) and is linked from
 * the signature table and from the rule x status matrix.
 */
final class HtmlGroups {
    /** Failures shown whole in a group; the rest of its cases are listed one line each. */
    static final int SHOWN_WHOLE = 5;
    /** Further cases listed by id and first message per group; beyond that only counted. */
    static final int LISTED = 200;

    /** One group: its signature, anchor, members in run order, and the rules the filter matches. */
    record Group(SignatureTable.Group table, String anchor, List<CaseResult> members, Set<String> rules) {}

    private final List<Group> groups = new ArrayList<>();

    HtmlGroups(RunResult run) {
        Map<FailureSignature, List<CaseResult>> members = new LinkedHashMap<>();
        for (CaseResult r : new StatusTable(run).failures()) members.computeIfAbsent(FailureSignature.of(r), k -> new ArrayList<>()).add(r);
        for (SignatureTable.Group g : SignatureTable.of(run)) {
            List<CaseResult> m = members.getOrDefault(g.signature(), List.of());
            Set<String> rules = new TreeSet<>(StatusTable::compareRuleIds);
            for (CaseResult r : m) rules.addAll(StatusTable.countedRules(r));
            // the anchor is the label made safe (BundleName: a CRC suffix keeps distinct labels apart)
            groups.add(new Group(g, "sig-" + BundleName.of(g.signature().label()), m, rules));
        }
        // counts first; the signature label breaks ties, so the order is stable
        groups.sort(Comparator.comparingLong((Group g) -> -g.table().cases()).thenComparing(g -> g.table().signature()));
    }

    List<Group> groups() { return groups; }

    /** The anchor of the first (largest) group holding a case counted in this matrix cell, or null. */
    String anchorFor(String rule, Status status) {
        for (Group g : groups) {
            if (g.table().signature().status() == status && g.rules().contains(rule)) return g.anchor();
        }
        return null;
    }

    /** "D3 zero probability zeroes the row": the id with its title from the Rule enum (docs/spec.md). */
    static String ruleLabel(String id) {
        return Rule.byId(id).map(r -> id + " " + r.title()).orElse(id);
    }

    /** The signature table: counts first, each row linking to its group. */
    void table(StringBuilder h) {
        h.append("<h2>Failure signatures</h2>\n<table id=\"signatures\"><tr><th>cases</th><th class=\"l\">signature</th><th class=\"l\">rule</th>")
         .append("<th>bundles kept</th><th class=\"l\">first case</th></tr>\n");
        for (Group g : groups) {
            FailureSignature s = g.table().signature();
            h.append("<tr><td>").append(g.table().cases()).append("</td><td class=\"l\"><a href=\"#").append(Markup.attr(g.anchor())).append("\">")
             .append(Markup.escape(s.label())).append("</a></td><td class=\"l\">")
             .append(Markup.escape(s.status() == Status.FAIL ? ruleLabel(s.rule()) : "-")).append("</td><td>").append(g.table().bundles().size())
             .append("</td><td class=\"l\">").append(Markup.escape(g.table().firstCase())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The filter form: one select each for op, rule and status, filled from the groups. */
    void filter(StringBuilder h) {
        Set<String> ops = new TreeSet<>(), rules = new TreeSet<>(StatusTable::compareRuleIds), statuses = new TreeSet<>();
        for (Group g : groups) {
            ops.add(g.table().signature().op());
            rules.addAll(g.rules());
            statuses.add(g.table().signature().status().name());
        }
        h.append("<form id=\"filter\" onsubmit=\"return false\">filter: ");
        select(h, "op", ops);
        select(h, "rule", rules);
        select(h, "status", statuses);
        h.append(" <span id=\"shown\">").append(groups.size()).append("</span> of ").append(groups.size()).append(" groups shown</form>\n");
    }

    private static void select(StringBuilder h, String name, Set<String> values) {
        h.append("<label>").append(name).append(" <select name=\"").append(name).append("\"><option value=\"\">all</option>");
        for (String v : values) h.append("<option>").append(Markup.escape(v)).append("</option>");
        h.append("</select></label> ");
    }

    /** Every group as a details element: the count and signature in its summary, its failures inside. */
    void groups(StringBuilder h, CaseBlock block) {
        for (Group g : groups) {
            FailureSignature s = g.table().signature();
            h.append("<details class=\"group\" id=\"").append(Markup.attr(g.anchor())).append("\" data-op=\"").append(Markup.attr(s.op()))
             .append("\" data-status=\"").append(s.status().name()).append("\" data-rules=\"").append(Markup.attr(String.join(" ", g.rules())))
             .append("\">\n<summary><b>").append(g.table().cases()).append(g.table().cases() == 1 ? " case" : " cases").append("</b> ")
             .append(Markup.escape(s.label()));
            if (s.status() == Status.FAIL) h.append(" <span class=\"title\">").append(Markup.escape(ruleLabel(s.rule()))).append("</span>");
            h.append("</summary>\n");
            List<CaseResult> m = g.members();
            for (int i = 0; i < Math.min(SHOWN_WHOLE, m.size()); i++) block.write(h, m.get(i));
            if (m.size() > SHOWN_WHOLE) {
                int end = Math.min(m.size(), SHOWN_WHOLE + LISTED);
                h.append("<p>").append(m.size() - SHOWN_WHOLE).append(" more cases of this signature:</p>\n<ul class=\"more\">\n");
                for (CaseResult r : m.subList(SHOWN_WHOLE, end)) {
                    String first = r.violations().isEmpty() ? (r.detail() == null ? "" : r.detail()) : r.violations().get(0).render();
                    int nl = first.indexOf('\n');
                    h.append("<li><code>").append(Markup.escape(r.caseId())).append("</code> ")
                     .append(Markup.escape(nl < 0 ? first : first.substring(0, nl))).append("</li>\n");
                }
                h.append("</ul>\n");
                if (m.size() > end) h.append("<p>... and ").append(m.size() - end).append(" more (report.json lists every case).</p>\n");
            }
            h.append("</details>\n");
        }
    }

    /** Writes one failure whole (HtmlReport's block: message, counterexample, bundle, replay). */
    @FunctionalInterface
    interface CaseBlock {
        void write(StringBuilder h, CaseResult r);
    }

    /**
     * The page's only script, inline (no network, no asset): hides the groups the filter excludes and
     * opens the group a link points at (a matrix cell, a signature row), clearing a filter that hid it.
     */
    static final String SCRIPT = "<script>\n"
            + "(function(){\n"
            + "var f=document.getElementById('filter');if(!f)return;\n"
            + "var gs=document.querySelectorAll('details.group');\n"
            + "function apply(){var op=f.elements.op.value,rule=f.elements.rule.value,st=f.elements.status.value,n=0;\n"
            + "gs.forEach(function(g){var ok=(!op||g.dataset.op===op)&&(!st||g.dataset.status===st)"
            + "&&(!rule||(' '+g.dataset.rules+' ').indexOf(' '+rule+' ')>=0);g.hidden=!ok;if(ok)n++;});\n"
            + "document.getElementById('shown').textContent=n;}\n"
            + "function open(){var id=decodeURIComponent(location.hash.slice(1));var g=id&&document.getElementById(id);\n"
            + "if(g&&g.tagName==='DETAILS'){if(g.hidden){f.reset();apply();}g.open=true;g.scrollIntoView();}}\n"
            + "f.addEventListener('change',apply);window.addEventListener('hashchange',open);apply();open();\n"
            + "})();\n"
            + "</script>\n";
}
