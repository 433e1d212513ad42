package org.permcheck.zoo;

import org.permcheck.engine.run.BackendFactory;

/**
 * One broken backend of the zoo.
 *
 * @param id        stable id ("dispatch-pad-rows-garbage", "proto:zero-prob")
 * @param kind      "cpu" (a bug planted in {@link PlantedCpuBackend}) or "protocol" (the numpy port
 *                  with a planted bug, run as a subprocess through ExecBackend)
 * @param bugClass  what is wrong, in one line
 * @param fieldRef  the bug seen in the field it is modelled on
 * @param rule      the docs/spec.md rule expected to kill it
 * @param factory   makes a fresh instance
 */
record Mutant(String id, String kind, String bugClass, String fieldRef, String rule, BackendFactory factory) {}
