using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pacts.Benchmarks;

/// <summary>Rough timings for exploring where time goes; BenchmarkDotNet numbers are the ones we publish.</summary>
internal static class Probe
{
    public static void Run()
    {
        if (File.Exists("/tmp/r200k.jsonl"))
        {
            var bytes = File.ReadAllBytes("/tmp/r200k.jsonl");
            var set = PactSet.Load(Path.Combine(Workload.Dir, "treasury.pact.yaml"));
            for (var round = 0; round < 3; round++)
            {
                var sw1 = Stopwatch.StartNew();
                var n1 = Events.EventLogReader.Read(new MemoryStream(bytes), "x").Count();
                var t1 = sw1.Elapsed;
                sw1.Restart();
                var analyzer = new Replay.ReplayAnalyzer(set);
                foreach (var r in Events.EventLogReader.Read(new MemoryStream(bytes), "x"))
                {
                    _ = analyzer.Process(r);
                }

                var t2 = sw1.Elapsed;
                sw1.Restart();
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                new Replay.ReplayAnalyzer(set).ProcessLog(new MemoryStream(bytes), "x");
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                Console.WriteLine($"read+parse {n1 / t1.TotalSeconds:F0} ev/s; read+parse+analyze {n1 / t2.TotalSeconds:F0} ev/s; ProcessLog {n1 / sw1.Elapsed.TotalSeconds:F0} ev/s, {allocated / n1} B an event");
            }
        }

        var wide = WidePactBenchmarks.BuildPact(200, 10);
        var sw0 = Stopwatch.StartNew();
        var compiled = Pact.CompileUncached(wide, "wide.json", Syntax.PactFormat.Json);
        Console.WriteLine($"wide compile: {sw0.ElapsedMilliseconds} ms, {wide.Length / 1e6:F1} MB, ok={compiled.Success}");
        var pact = Workload.Pact;
        var els = Workload.Elements;
        Time("engine", () => { foreach (var e in els) { _ = pact.Validate("transfer_funds", e); } });
        Time("handwritten", () => { foreach (var e in els) { _ = HandWritten.OnePass(e); } });
        var re = new Regex(@"\A(?:SKU-[0-9]{4})\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        var re2 = new Regex(@"\A(?:[A-Za-z0-9 _-]{0,64})\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        Time("regex sku x3 + memo", () => { for (var i = 0; i < els.Length; i++) { _ = re.IsMatch("SKU-1234"); _ = re.IsMatch("SKU-1234"); _ = re.IsMatch("SKU-1234"); _ = re2.IsMatch("refund-EMEA 3971_fee_Q4"); } });
        Time("enumerate props x5", () => { foreach (var e in els) { for (var k = 0; k < 5; k++) { foreach (var p in e.EnumerateObject()) { _ = p.NameEquals("amount"u8); } } } });
    }

    /// <summary>
    /// Engine against the hand-written pass, alternating short rounds, for a quick median ratio while tuning;
    /// <paramref name="valid"/> keeps only the calls the pact passes (true) or fails (false).
    /// </summary>
    public static void AB(bool raw, bool? valid = null)
    {
        var pact = Workload.Pact;
        var keep = Enumerable.Range(0, Workload.Elements.Length).Where(i => valid is null || pact.Validate("transfer_funds", Workload.Elements[i]).Valid == valid).ToArray();
        var els = keep.Select(i => Workload.Elements[i]).ToArray();
        var bytes = keep.Select(i => Workload.RawParams[i]).ToArray();
        var engine = new List<double>();
        var hand = new List<double>();
        for (var round = 0; round < 40; round++)
        {
            var sw = Stopwatch.StartNew();
            for (var k = 0; k < 5; k++)
            {
                for (var i = 0; i < els.Length; i++)
                {
                    _ = raw ? pact.Validate("transfer_funds", (ReadOnlyMemory<byte>)bytes[i]).Valid : pact.Validate("transfer_funds", els[i]).Valid;
                }
            }

            engine.Add(sw.Elapsed.TotalNanoseconds / (5.0 * els.Length));
            sw.Restart();
            for (var k = 0; k < 5; k++)
            {
                for (var i = 0; i < els.Length; i++)
                {
                    _ = raw ? HandWritten.Reader(bytes[i]).Item1 : HandWritten.OnePass(els[i]).Item1;
                }
            }

            hand.Add(sw.Elapsed.TotalNanoseconds / (5.0 * els.Length));
        }

        // The fastest round of each: on a shared VM, noise only ever adds time.
        Console.WriteLine($"{(raw ? "raw" : "pre-parsed")}{(valid is null ? "" : valid.Value ? ", passing calls" : ", failing calls")}: engine {engine.Skip(5).Min():F0} ns, hand-written {hand.Skip(5).Min():F0} ns, ratio {engine.Skip(5).Min() / hand.Skip(5).Min():F2}");
    }

    /// <summary>
    /// One fresh process's steady speed (issue #20): <paramref name="variant"/> <c>pre</c> (params parsed as their own
    /// document), <c>sub</c> (params a sub-element of the whole call's document) or <c>raw</c> (UTF-8 bytes), with the
    /// matching hand-written baseline in alternating rounds: 3 s of warm-up passes, then 31 rounds of one pass of each.
    /// Prints one <c>SPREAD {json}</c> line with each side's median ns per call; <c>benchmarks/spread/run.sh</c> starts
    /// N such processes and reports the spread between them.
    /// </summary>
    public static void ProcessMedian(string variant)
    {
        var pact = Workload.Pact;
        var elements = variant switch
        {
            "sub" => Workload.SubElements,
            "sub-bytes" => Workload.SubElementsFromBytes,
            "own-string" => Workload.ElementsFromStrings,
            "one-doc" => Workload.OneDocument,
            _ => Workload.Elements,
        };
        var raw = Workload.RawParams;
        Func<int, bool> engine = variant == "raw"
            ? i => pact.Validate("transfer_funds", (ReadOnlyMemory<byte>)raw[i]).Valid
            : i => pact.Validate("transfer_funds", elements[i]).Valid;
        Func<int, bool> hand = variant == "raw" ? i => HandWritten.Reader(raw[i]).Item1 : i => HandWritten.OnePass(elements[i]).Item1;
        Workload.Verify("engine " + variant, i => variant == "raw"
            ? Count(pact.Validate("transfer_funds", (ReadOnlyMemory<byte>)raw[i])) : Count(pact.Validate("transfer_funds", elements[i])));
        Workload.Verify("hand-written " + variant, i => variant == "raw" ? HandWritten.Reader(raw[i]) : HandWritten.OnePass(elements[i]));

        double Pass(Func<int, bool> check)
        {
            var sw = Stopwatch.StartNew();
            var n = 0;
            for (var i = 0; i < elements.Length; i++)
            {
                n += check(i) ? 1 : 0;
            }

            GC.KeepAlive(n);
            return sw.Elapsed.TotalNanoseconds / elements.Length;
        }

        if (Environment.GetEnvironmentVariable("PACTS_SPREAD_COMPACT") == "1")
        {
            // Moves the documents together in allocation order before anything is timed (see benchmarks/README.md).
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 3_000)
        {
            _ = Pass(engine);
            _ = Pass(hand);
        }

        var e = new List<double>();
        var h = new List<double>();
        int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        for (var round = 0; round < 31; round++)
        {
            e.Add(Pass(engine));
            h.Add(Pass(hand));
        }

        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        // Collections during the timed rounds: the engine allocates the failing calls' verdicts, the hand-written code nothing.
        var gcs = string.Join("/", Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collections[g]));
        Console.WriteLine(FormattableString.Invariant($"SPREAD {{\"variant\":\"{variant}\",\"engineNs\":{Median(e):F1},\"handNs\":{Median(h):F1},\"ratio\":{Median(e) / Median(h):F3},\"gcs\":\"{gcs}\",\"hugeKb\":{AnonHugePagesKb()},\"chase8MbNs\":{ChaseNs(8):F1},\"chase64MbNs\":{ChaseNs(64):F1}}}"));
    }

    /// <summary>
    /// The process's anonymous memory backed by transparent huge pages (Linux, <c>/proc/self/smaps_rollup</c>), -1
    /// where not known: the spread runs ask whether a process's speed follows its page size (TLB reach).
    /// </summary>
    private static long AnonHugePagesKb()
    {
        const string Rollup = "/proc/self/smaps_rollup";
        if (!File.Exists(Rollup))
        {
            return -1;
        }

        var line = File.ReadLines(Rollup).FirstOrDefault(l => l.StartsWith("AnonHugePages:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// This process's memory latency: ns per dependent load, chasing a random cycle through one 64-byte line after
    /// another of a fresh <paramref name="megabytes"/> MB array (median of five chases of 2^21 steps). 8 MB is about
    /// what the 10,000 documents take; 64 MB is past the 32 MB L3. The spread runs set it beside the process's speed.
    /// </summary>
    private static double ChaseNs(int megabytes)
    {
        const int LineLongs = 8;
        var lines = megabytes * 1024 * 1024 / 64;
        var next = new long[lines * LineLongs];
        var order = Enumerable.Range(0, lines).ToArray();
        new Random(20).Shuffle(order);
        for (var i = 0; i < lines; i++)
        {
            next[order[i] * LineLongs] = order[(i + 1) % lines] * LineLongs;
        }

        var times = new List<double>();
        long at = 0;
        for (var chase = 0; chase < 5; chase++)
        {
            var sw = Stopwatch.StartNew();
            for (var step = 0; step < 1 << 21; step++)
            {
                at = next[at];
            }

            times.Add(sw.Elapsed.TotalNanoseconds / (1 << 21));
        }

        GC.KeepAlive(at);
        return times.Order().ElementAt(2);
    }

    private static (bool, int) Count(Evaluating.Verdict v) => (v.Valid, v.Violations.Count);

    /// <summary>
    /// BudgetBenchmarks' pair in alternating rounds in one process (each round 10,000 budget checks of each), the
    /// fastest round of each after five warm-up rounds.
    /// </summary>
    public static void ABBudget()
    {
        var bench = new BudgetBenchmarks();
        bench.Setup(); // checks engine and hand-written breaches call for call first
        var engine = new List<double>();
        var hand = new List<double>();
        for (var round = 0; round < 40; round++)
        {
            var sw = Stopwatch.StartNew();
            _ = bench.Engine_BudgetBook();
            engine.Add(sw.Elapsed.TotalNanoseconds / 10_000);
            sw.Restart();
            _ = bench.HandWritten_DequeExactSum();
            hand.Add(sw.Elapsed.TotalNanoseconds / 10_000);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        _ = bench.Engine_BudgetBook();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"budget: engine {engine.Skip(5).Min():F0} ns, hand-written {hand.Skip(5).Min():F0} ns, ratio {engine.Skip(5).Min() / hand.Skip(5).Min():F2}, engine allocated {allocated} B over 10,000 calls");
    }

    /// <summary>
    /// The wide pact against its one-binding pact in alternating rounds, per list size (the BenchmarkDotNet pair,
    /// interleaved: on this VM two benchmark processes minutes apart gave the same code 0.82× and 1.57×).
    /// </summary>
    public static void ABWide()
    {
        foreach (var values in new[] { 10, 1000 })
        {
            var b = new WidePactBenchmarks { Values = values };
            b.Setup(); // checks the verdicts first
            var wide = new List<double>();
            var one = new List<double>();
            const int Calls = 20_000;
            for (var round = 0; round < 40; round++)
            {
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < Calls; i++)
                {
                    _ = b.WidePact();
                }

                wide.Add(sw.Elapsed.TotalNanoseconds / Calls);
                sw.Restart();
                for (var i = 0; i < Calls; i++)
                {
                    _ = b.OneBinding();
                }

                one.Add(sw.Elapsed.TotalNanoseconds / Calls);
            }

            Console.WriteLine($"wide pact, {values}-value lists: wide {wide.Skip(5).Min():F0} ns, one binding {one.Skip(5).Min():F0} ns, ratio {wide.Skip(5).Min() / one.Skip(5).Min():F2}");
        }
    }

    /// <summary>Each treasury rule alone on a typical passing value, in a tight loop: ns per rule call.</summary>
    public static void PerRule()
    {
        var binding = Workload.Pact.BindingFor("transfer_funds")!;
        var values = new Dictionary<string, string>
        {
            ["destination"] = "\"0xA11A000000000000000000000000000000000001\"",
            ["amount"] = "3543.25",
            ["currency"] = "\"USDT\"",
            ["memo"] = "\"refund-EMEA 3971_fee_Q4\"",
            ["items[*].sku"] = "\"SKU-0012\"",
        };
        var scratch = new char[256];
        var cases = (from condition in binding.Conditions
                     let verbatim = System.Text.Encoding.UTF8.GetBytes(values[condition.Path.Text])
                     let kind = verbatim[0] == (byte)'"' ? System.Text.Json.JsonValueKind.String : System.Text.Json.JsonValueKind.Number
                     from rule in condition.Rules
                     where rule.Name != "required"
                     select (condition.Path.Text, rule, kind, verbatim)).ToArray();

        // Warm every rule first, then wait: tiered compilation promotes a method only once no new method has
        // been compiled for a while, so rules measured one after another would otherwise stay at tier 0.
        for (var warm = 0; warm < 3; warm++)
        {
            foreach (var (_, rule, kind, verbatim) in cases)
            {
                _ = RuleLoop(rule, kind, verbatim, scratch);
            }

            Thread.Sleep(300);
        }

        foreach (var (path, rule, kind, verbatim) in cases)
        {
            var best = double.MaxValue;
            for (var round = 0; round < 40; round++)
            {
                best = Math.Min(best, RuleLoop(rule, kind, verbatim, scratch));
            }

            Console.WriteLine($"{path,-14} {rule.Name,-11} {best,6:F1} ns");
        }
    }

    /// <summary>Fully optimised from the start, with the rule called virtually, as the engine's loop calls it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double RuleLoop(Rules.CompiledRule rule, System.Text.Json.JsonValueKind kind, byte[] verbatim, char[] scratch)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 200_000; i++)
        {
            var value = new Json.LocationValue(kind, verbatim, 0, scratch, 1);
            _ = rule.Fails(ref value);
        }

        return sw.Elapsed.TotalNanoseconds / 200_000;
    }

    private static void ReadAllStrict(byte[] json)
    {
        var reader = new Json.StrictJsonReader(json);
        while (reader.Read())
        {
        }
    }

    private static void ReadAll(byte[] json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(json);
        while (reader.Read())
        {
        }
    }

    /// <summary>The engine's time per condition of the treasury pact: each alone, against a binding with none.</summary>
    public static void PerCondition(bool raw = false)
    {
        var yaml = File.ReadAllText(Path.Combine(Workload.Dir, "treasury.pact.yaml"));
        var head = yaml[..yaml.IndexOf("    conditions:", StringComparison.Ordinal)];
        var conditions = yaml[(yaml.IndexOf("    conditions:", StringComparison.Ordinal) + "    conditions:".Length)..]
            .Split("\n      - ", StringSplitOptions.RemoveEmptyEntries).Where(c => c.Contains("paramPath", StringComparison.Ordinal)).ToArray();
        var els = Workload.Elements;
        var bytes = Workload.RawParams;
        double Best(Action<int> one)
        {
            var best = double.MaxValue;
            for (var round = 0; round < 30; round++)
            {
                var sw = Stopwatch.StartNew();
                for (var k = 0; k < 3; k++)
                {
                    for (var i = 0; i < els.Length; i++)
                    {
                        one(i);
                    }
                }

                best = Math.Min(best, sw.Elapsed.TotalNanoseconds / (3.0 * els.Length));
            }

            return best;
        }

        double Time(Pact pact) => raw
            ? Best(i => _ = pact.Validate("transfer_funds", (ReadOnlyMemory<byte>)bytes[i]).Valid)
            : Best(i => _ = pact.Validate("transfer_funds", els[i]).Valid);

        if (raw)
        {
            Console.WriteLine($"reader alone, every token: {Best(i => ReadAll(bytes[i])):F0} ns (the engine's strict reader: {Best(i => ReadAllStrict(bytes[i])):F0} ns); hand-written: {Best(i => _ = HandWritten.Reader(bytes[i]).Item1):F0} ns");
        }

        var none = Pact.Compile(head + "    conditions:\n      - paramPath: zzz\n        maxLength: 1\n").Pact!;
        var baseline = Time(none);
        Console.WriteLine($"binding with one unused condition: {baseline:F0} ns");
        foreach (var c in conditions)
        {
            var pact = Pact.Compile(head + "    conditions:\n      - " + c.TrimEnd() + "\n").Pact!;
            Console.WriteLine($"+ {c.Split('\n')[0].Trim(),-28} {Time(pact) - baseline,6:F0} ns");
        }

        Console.WriteLine($"all: {Time(Workload.Pact):F0} ns");
    }

    /// <summary>Runs one implementation (engine, raw, hand-written; or a wide-pact compile) for ten seconds, for a profiler (perf) to sample.</summary>
    /// <summary>
    /// The cache hit for an equal text in a new string (a service re-reading an unchanged file): the cache keys on
    /// the text itself, so the lookup hashes it and compares it with the cached one. Times ten distinct copies.
    /// </summary>
    public static void CacheEqualText()
    {
        foreach (var values in new[] { 10, 1000 })
        {
            var text = WidePactBenchmarks.BuildPact(200, values);
            var first = Pact.Compile(text, "wide.json", Syntax.PactFormat.Json).Pact ?? throw new InvalidOperationException("wide pact does not compile");
            var copies = Enumerable.Range(0, 10).Select(_ => new string(text.AsSpan())).ToArray();
            var times = new List<double>();
            foreach (var copy in copies)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var hit = Pact.Compile(copy, "wide.json", Syntax.PactFormat.Json).Pact;
                times.Add(clock.Elapsed.TotalMilliseconds);
                if (!ReferenceEquals(hit, first))
                {
                    throw new InvalidOperationException("an equal text missed the cache");
                }
            }

            times.Sort();
            Console.WriteLine($"equal text, {values}-value lists ({text.Length * 2 / 1e6:F1} MB as UTF-16): median {times[5]:F2} ms, min {times[0]:F2} ms");
        }
    }

    public static void Spin(string what)
    {
        if (what.StartsWith("compile", StringComparison.Ordinal))
        {
            var text = WidePactBenchmarks.BuildPact(200, what == "compile1000" ? 1000 : 10);
            var clock = Stopwatch.StartNew();
            var times = 0;
            while (clock.ElapsedMilliseconds < 10_000)
            {
                _ = Pact.CompileUncached(text, "wide.json", Syntax.PactFormat.Json);
                times++;
            }

            var perCompile = clock.Elapsed.TotalMilliseconds / times;
            using (var sampler = new AllocationSampler())
            {
                for (var k = 0; k < 5; k++)
                {
                    _ = Pact.CompileUncached(text, "wide.json", Syntax.PactFormat.Json);
                }

                lock (sampler.ByType)
                {
                    foreach (var (type, count) in sampler.ByType.OrderByDescending(x => x.Value).Take(25))
                    {
                        Console.WriteLine($"  {count,6} x100KB  {type}");
                    }
                }
            }

            var readClock = Stopwatch.StartNew();
            for (var k = 0; k < 50; k++)
            {
                _ = Syntax.PactDocumentReader.Read(text, "wide.json", Syntax.PactFormat.Json, new Diagnostics.DiagnosticBag());
            }

            Console.WriteLine($"read only: {readClock.Elapsed.TotalMilliseconds / 50:F1} ms");
            var heldBefore = GC.GetTotalMemory(forceFullCollection: true);
            var held = Pact.CompileUncached(text, "wide.json", Syntax.PactFormat.Json);
            Console.WriteLine($"held by the compiled pact: {(GC.GetTotalMemory(forceFullCollection: true) - heldBefore) / 1e6:F1} MB");
            GC.KeepAlive(held);
            var before = GC.GetAllocatedBytesForCurrentThread();
            _ = Pact.CompileUncached(text, "wide.json", Syntax.PactFormat.Json);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Console.WriteLine($"{what}: {perCompile:F1} ms per compile, {allocated / 1e6:F1} MB allocated, text {text.Length / 1e6:F2} MB, gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} over {times}");
            return;
        }

        if (what.StartsWith("budget", StringComparison.Ordinal))
        {
            // budget | budget-hand: BudgetBenchmarks' timed loop, for `perf record`.
            if (what == "budget-charge")
            {
                var budget = BudgetBenchmarks.BudgetedPact("1").CompiledBudgets[0];
                var elements = Workload.Elements;
                var chargeClock = Stopwatch.StartNew();
                long charged = 0;
                var sink = 0;
                while (chargeClock.ElapsedMilliseconds < 5_000)
                {
                    foreach (var e in elements)
                    {
                        sink += budget.Charge<Json.ElementNav, System.Text.Json.JsonElement, System.Text.Json.JsonElement.ObjectEnumerator, System.Text.Json.JsonElement.ArrayEnumerator>(e).IsZero ? 1 : 0;
                    }

                    charged += elements.Length;
                }

                Console.WriteLine($"charge alone: {chargeClock.Elapsed.TotalNanoseconds / charged:F0} ns per call ({sink})");
                var findClock = Stopwatch.StartNew();
                charged = 0;
                while (findClock.ElapsedMilliseconds < 5_000)
                {
                    foreach (var e in elements)
                    {
                        foreach (var p in e.EnumerateObject())
                        {
                            if (p.NameEquals("amount"u8))
                            {
                                sink += System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(p.Value).Length;
                            }
                        }
                    }

                    charged += elements.Length;
                }

                Console.WriteLine($"find alone: {findClock.Elapsed.TotalNanoseconds / charged:F0} ns per call ({sink})");
                var rawParams = Workload.RawParams;
                foreach (var validated in new[] { false, true })
                {
                    var rawClock = Stopwatch.StartNew();
                    charged = 0;
                    while (rawClock.ElapsedMilliseconds < 3_000)
                    {
                        foreach (var b in rawParams)
                        {
                            sink += (validated ? budget.ChargeValidated(b) : budget.ChargeUtf8(b)).IsZero ? 1 : 0;
                        }

                        charged += rawParams.Length;
                    }

                    Console.WriteLine($"{(validated ? "validated bytes" : "raw bytes")}: {rawClock.Elapsed.TotalNanoseconds / charged:F0} ns per call ({sink})");
                }
                return;
            }

            var bench = new BudgetBenchmarks();
            bench.Setup();
            var budgetClock = Stopwatch.StartNew();
            long calls = 0;
            while (budgetClock.ElapsedMilliseconds < 10_000)
            {
                _ = what == "budget" ? bench.Engine_BudgetBook() : bench.HandWritten_DequeExactSum();
                calls += 10_000;
            }

            Console.WriteLine($"{what}: {budgetClock.Elapsed.TotalNanoseconds / calls:F0} ns per call");
            return;
        }

        var pact = Workload.Pact;
        var els = Workload.Elements;
        var raw = Workload.RawParams;
        Action<int> one = what switch
        {
            "engine" => i => _ = pact.Validate("transfer_funds", els[i]).Valid,
            "raw" => i => _ = pact.Validate("transfer_funds", (ReadOnlyMemory<byte>)raw[i]).Valid,
            "hand-raw" => i => _ = HandWritten.Reader(raw[i]).Item1,
            _ => i => _ = HandWritten.OnePass(els[i]).Item1,
        };
        var sw = Stopwatch.StartNew();
        long n = 0;
        while (sw.ElapsedMilliseconds < 10_000)
        {
            for (var i = 0; i < els.Length; i++)
            {
                one(i);
            }

            n += els.Length;
        }

        Console.WriteLine($"{what}: {sw.Elapsed.TotalNanoseconds / n:F0} ns per call");
    }

    private static void Time(string name, Action a)
    {
        for (var i = 0; i < 5; i++) { a(); }
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++) { a(); }
        Console.WriteLine($"{name}: {sw.Elapsed.TotalNanoseconds / 20 / 10000:F0} ns per call");
    }
}

/// <summary>Samples allocations (one event per ~100 KB) by type, for finding what a piece of code allocates.</summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    public readonly Dictionary<string, long> ByType = [];

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.Payload is { } p)
        {
            var name = p[e.PayloadNames!.IndexOf("TypeName")]?.ToString() ?? "?";
            lock (ByType)
            {
                ByType[name] = ByType.GetValueOrDefault(name) + 1;
            }
        }
    }
}
