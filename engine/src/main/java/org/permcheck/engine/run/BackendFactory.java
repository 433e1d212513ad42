package org.permcheck.engine.run;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendProvider;

/**
 * Makes a fresh backend. The runner calls it once at the start and again after every TIMEOUT or
 * CRASH, because a backend that hung or died cannot be trusted with the next case.
 */
@FunctionalInterface
public interface BackendFactory {

    Backend create() throws Exception;

    /** The provider registered under {@code name} (META-INF/services), or a one-line error naming the known ones. */
    static BackendFactory byName(String name) {
        List<String> known = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(name)) return p::create;
            known.add(p.name());
        }
        throw new IllegalArgumentException("unknown backend '" + name + "' (known: " + String.join(", ", known) + ")");
    }
}
