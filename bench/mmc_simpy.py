#!/usr/bin/env python3
"""The M/M/c queue of `examples/mmc.rs`, written in SimPy, for a peer speed
comparison with AsyncLab.

Model: Poisson arrivals at rate λ (customers/s), c identical servers each
serving at rate μ (customers/s), exponential service, one FIFO queue
(`simpy.Resource` with capacity c). The run ends when the last customer has
left, as in the Rust example.

Events are counted the way AsyncLab counts them: one arrival event and one
departure event per customer, so events = 2 × customers. (SimPy itself
processes several internal events per customer: process start, timeouts,
resource request and release; they are not counted, so the comparison is
per unit of model work, not per SimPy heap pop.)

Prints one line in the same key=value format as the Rust example:

    model=M/M/10 customers=.. events=.. wall_s=.. events_per_s=.. \
        mean_wait_s=.. erlang_c_wait_s=.. rel_err=..

Usage: python bench/mmc_simpy.py --customers 200000 --seed 42
"""

import argparse
import math
import random
import time

import simpy


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load
    a = λ/μ (Erlangs) and c servers; 1 when a ≥ c.

    Uses the numerically stable Erlang B recurrence
    B(k) = a·B(k−1) / (k + a·B(k−1)), then C = c·B / (c − a·(1 − B)),
    the same formula as `asynclab::sim::theory::erlang_c`.
    """
    if c == 0 or a >= c:
        return 1.0
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1.0 - b))


def mmc_mean_wait_s(lambda_per_s: float, mu_per_s: float, c: int) -> float:
    """Mean wait in queue of M/M/c, seconds: C(c, λ/μ) / (cμ − λ).
    Infinite when the queue is unstable (λ ≥ cμ)."""
    cap_per_s = c * mu_per_s
    if lambda_per_s >= cap_per_s:
        return math.inf
    return erlang_c(c, lambda_per_s / mu_per_s) / (cap_per_s - lambda_per_s)


def run_mmc(customers: int, seed: int, lambda_per_s: float, mu_per_s: float,
            servers: int) -> tuple[int, float]:
    """Simulates the queue; returns (events, mean wait in queue in seconds
    over the customers after the warm-up). Simulated time is in seconds."""
    # Separate random streams for interarrival gaps and service times, like
    # the Rust model (the draws themselves differ: different generators).
    arrivals_rng = random.Random(f"{seed}/mmc.arrivals")
    service_rng = random.Random(f"{seed}/mmc.service")
    # The first 1% of customers are discarded from the mean wait.
    warmup = customers // 100

    env = simpy.Environment()
    station = simpy.Resource(env, capacity=servers)
    wait_sum_s = 0.0  # total wait in queue of post-warm-up customers, s
    wait_n = 0        # how many customers are in wait_sum_s

    def customer(index: int, service_s: float):
        """One customer: queue FIFO for a server, hold it for service_s."""
        nonlocal wait_sum_s, wait_n
        arrived_s = env.now
        with station.request() as req:
            yield req
            if index >= warmup:
                wait_sum_s += env.now - arrived_s
                wait_n += 1
            yield env.timeout(service_s)
        # Leaving the `with` releases the server: the departure.

    def source():
        """Arrival process: exponential gaps with mean 1/λ seconds. The
        service time is drawn at arrival, as in the Rust model."""
        for index in range(customers):
            yield env.timeout(arrivals_rng.expovariate(lambda_per_s))
            env.process(customer(index, service_rng.expovariate(mu_per_s)))

    env.process(source())
    env.run()  # until no events remain: every customer has departed

    events = 2 * customers  # one arrival + one departure per customer
    mean_wait_s = wait_sum_s / wait_n if wait_n else 0.0
    return events, mean_wait_s


def main() -> None:
    ap = argparse.ArgumentParser(
        description="Times SimPy on the M/M/c queue of examples/mmc.rs")
    ap.add_argument("--customers", type=int, default=1_000_000,
                    help="customers to simulate")
    ap.add_argument("--seed", type=int, default=42, help="run seed")
    ap.add_argument("--lambda", dest="lambda_per_s", type=float, default=90.0,
                    help="arrival rate λ, per second")
    ap.add_argument("--mu", dest="mu_per_s", type=float, default=10.0,
                    help="service rate μ per server, per second")
    ap.add_argument("--servers", type=int, default=10, help="servers c")
    a = ap.parse_args()

    t0 = time.perf_counter()
    events, mean_wait_s = run_mmc(a.customers, a.seed, a.lambda_per_s,
                                  a.mu_per_s, a.servers)
    wall_s = time.perf_counter() - t0  # wall-clock seconds of the run only

    theory_s = mmc_mean_wait_s(a.lambda_per_s, a.mu_per_s, a.servers)
    rel_err = (mean_wait_s - theory_s) / theory_s
    print(
        f"model=M/M/{a.servers} customers={a.customers} events={events} "
        f"wall_s={wall_s:.3f} events_per_s={events / wall_s:.0f} "
        f"mean_wait_s={mean_wait_s:.6f} erlang_c_wait_s={theory_s:.6f} "
        f"rel_err={rel_err:+.4f}"
    )


if __name__ == "__main__":
    main()
