package org.permcheck.cli.layering;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the main sources of every module and reports, one line each: a package no floor claims, a
 * package outside its floor's module, an import that points up or sideways (with the file), and
 * every cycle between packages. Empty means the house stands as docs/architecture.md draws it.
 */
final class LayeringCheck {
    /** One main source: the module directory it lives in, and what it references. */
    record Source(String module, SourceRefs refs) {}

    private LayeringCheck() {}

    /** Every src/main/java file of every module directory under {@code root}. */
    static List<Source> read(Path root) {
        List<Source> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : modules.sorted().toList()) {
                Path java = m.resolve("src/main/java");
                if (!Files.isRegularFile(m.resolve("pom.xml")) || !Files.isDirectory(java)) continue;
                try (Stream<Path> files = Files.walk(java)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                        String rel = root.relativize(f).toString();
                        out.add(new Source(m.getFileName().toString(), SourceRefs.parse(rel, Files.readString(f))));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<String> findings(List<Floors.Floor> floors, List<Source> sources) {
        List<String> out = new ArrayList<>();
        // package -> package -> the first file that makes the edge (evidence for the message)
        Map<String, Map<String, String>> edges = new TreeMap<>();
        for (Source s : sources) {
            String pkg = s.refs().pkg(), file = s.refs().file();
            Floors.Floor home = Floors.of(floors, pkg);
            if (home == null) {
                out.add("no floor: package " + pkg + " (" + file + ") belongs to no floor of Floors.HOUSE (cli/src/test/java/org/permcheck/cli/layering/Floors.java)");
                continue;
            }
            if (!home.module().equals(s.module())) {
                out.add("misplaced: " + file + " is package " + pkg + " of floor " + home.name() + ", which lives in " + home.module() + "/");
            }
            for (String ref : s.refs().refs()) {
                String target = ref;
                edges.computeIfAbsent(pkg, k -> new TreeMap<>()).putIfAbsent(target, file);
                Floors.Floor there = Floors.of(floors, target);
                if (there == null || there == home) continue;
                if (!home.mayImport().contains(there.name())) {
                    out.add("layering: " + pkg + " -> " + target + " (" + home.name() + " may not import " + there.name() + ") in " + file);
                }
            }
        }
        for (List<String> cycle : cycles(edges)) {
            StringBuilder b = new StringBuilder("cycle: ").append(String.join(" <-> ", cycle)).append(" (");
            String sep = "";
            for (String a : cycle) {
                for (Map.Entry<String, String> e : edges.getOrDefault(a, Map.of()).entrySet()) {
                    if (cycle.contains(e.getKey()) && !e.getKey().equals(a)) {
                        b.append(sep).append(a).append(" -> ").append(e.getKey()).append(" in ").append(e.getValue());
                        sep = "; ";
                    }
                }
            }
            out.add(b.append(')').toString());
        }
        return out;
    }

    /** The strongly connected components of more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Map<String, String>> edges) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : edges.keySet()) if (!index.containsKey(v)) strongConnect(v, edges, index, low, stack, counter, out);
        return out;
    }

    private static void strongConnect(String v, Map<String, Map<String, String>> edges, Map<String, Integer> index,
                                      Map<String, Integer> low, Deque<String> stack, int[] counter, List<List<String>> out) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                strongConnect(w, edges, index, low, stack, counter, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> scc = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                scc.add(w);
            } while (!w.equals(v));
            if (scc.size() > 1) out.add(scc.stream().sorted().toList());
        }
    }
}
