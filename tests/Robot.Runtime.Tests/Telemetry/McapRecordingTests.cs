using Robot.Runtime.Concurrency;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;
using Robot.Runtime.Telemetry;
using Robot.Runtime.Telemetry.Mcap;
using Robot.Runtime.Telemetry.Protos;
using Robot.Runtime.Tests.Doubles;
using Robot.Safety.Contracts;

namespace Robot.Runtime.Tests.Telemetry;

public class McapRecordingTests
{
    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"telemetry-{Guid.NewGuid():N}.mcap");

    [Fact]
    public void Record_LoopTicks_EveryFrameReadableWithSchemas()
    {
        string path = TempFile();
        try
        {
            var ring = new TelemetryRing(6, capacity: 8192);
            var (pipeline, hw) = PipelineFactory.Create(target: 0.4, ring: ring);
            using (var recorder = new TelemetryRecorder(path, ring, hw.Description, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)))
            {
                new SimulatedTimeDriver(pipeline).Run(2000);
            }
            Assert.Equal(0, ring.Dropped);
            McapReader file = McapReader.Read(path);
            Assert.False(file.Truncated);
            Assert.True(file.HasFooter);
            Assert.Equal(["/joint_states", "/joint_commands", "/base_state", "/loop_fault", "/safety_stop", "/telemetry_gaps"], file.Channels.Select(c => c.Topic));
            Assert.All(file.Schemas, s => Assert.Equal("protobuf", s.Encoding));
            Assert.Equal("j0,j1,j2,j3,j4,j5", file.Channels[0].Metadata["joints"]);

            var states = file.Messages.Where(m => m.ChannelId == file.Channels[0].Id).Select(m => JointStates.Parser.ParseFrom(m.Data)).ToList();
            Assert.Equal(2000, states.Count);
            Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), states.Select(s => s.Tick));
            Assert.Equal(0.4, states[^1].Position[3], 2);

            var commands = file.Messages.Where(m => m.ChannelId == file.Channels[1].Id).Select(m => JointCommands.Parser.ParseFrom(m.Data)).ToList();
            Assert.All(commands.Skip(1), c => Assert.Equal(0.4, c.Position[0]));
            ulong first = file.Messages[0].LogTime;
            Assert.Equal(1_800_000_000UL * 1_000_000_000UL, first);
            // The loop's time advances 1 ms per tick, and so do the log times.
            Assert.Equal(first + 1_999_000_000UL, file.Messages.Where(m => m.ChannelId == file.Channels[0].Id).Last().LogTime);
            // An unsupervised loop records its safety state once: no stop, full speed.
            SafetyStop safety = Assert.Single(file.Messages.Where(m => m.ChannelId == file.Channels[4].Id).Select(m => SafetyStop.Parser.ParseFrom(m.Data)));
            Assert.Equal(("None", "None", 1.0), (safety.Stop, safety.Phase, safety.SpeedScale));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Record_DiskFull_RecorderFailedAndKeepsDrainingWithoutEndingTheProcess()
    {
        // /dev/full: every write that reaches the device fails with ENOSPC, as on a full disk.
        var ring = new TelemetryRing(6, capacity: 256);
        var (pipeline, hw) = PipelineFactory.Create(target: 0.4, ring: ring);
        var recorder = new TelemetryRecorder("/dev/full", ring, hw.Description, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var driver = new SimulatedTimeDriver(pipeline);
        for (int done = 0; done < 2000; done += 100)
        {
            driver.Run(100);
            // Lockstep with the writer, as `robot run` does: after the failure it must keep releasing frames.
            for (int wait = 0; ring.Pending > 128 && wait < 5000; wait++)
            {
                Thread.Sleep(1);
            }
        }
        recorder.Dispose();
        Assert.True(recorder.Failed);
        Assert.IsAssignableFrom<IOException>(recorder.Failure);
        Assert.Equal(0, ring.Pending);
        Assert.Equal(0, ring.Dropped);
        Assert.Equal(2000, pipeline.TickCount);
        recorder.Dispose(); // a second dispose does nothing
    }

    [Fact]
    public void Record_ZstdSteadyState_WriterThreadAllocatesNothingPerChunk()
    {
        string path = TempFile();
        try
        {
            var ring = new TelemetryRing(6, capacity: 8192);
            var (pipeline, hw) = PipelineFactory.Create(target: 0.4, ring: ring);
            var driver = new SimulatedTimeDriver(pipeline);
            using var recorder = new TelemetryRecorder(path, ring, hw.Description, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), compression: McapWriter.Zstd);
            void RunDrained(int ticks)
            {
                for (int done = 0; done < ticks; done += 500)
                {
                    driver.Run(500);
                    while (ring.Pending > 2048)
                    {
                        Thread.Sleep(1);
                    }
                }
                while (ring.Pending > 0)
                {
                    Thread.Sleep(1);
                }
            }
            RunDrained(5000); // warm-up: JIT, the first chunks
            long before = recorder.WriterAllocatedBytes;
            long messagesBefore = recorder.MessagesWritten;
            RunDrained(20_000);
            long allocated = recorder.WriterAllocatedBytes - before;
            long messages = recorder.MessagesWritten - messagesBefore;
            recorder.Dispose();

            // 20 000 ticks are 60 000 messages in some 150 chunks of 64 KiB: a buffer per chunk
            // (the compressor's output, the index map) would be megabytes.
            Assert.Equal(60_000, messages);
            Assert.True(allocated < 4096, $"the writer thread allocated {allocated} B while writing {messages} messages");
            Assert.Equal(0, ring.Dropped);
            Assert.Equal(recorder.MessagesWritten, McapReader.Read(path).Messages.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Records 500 ticks of a supervised loop that never gets a verdict (it settles, then stands stable).</summary>
    private static McapReader RecordSupervisedLoopWithoutVerdicts(string path, int everyNthTick = 1)
    {
        var clock = new LoopTimeProvider();
        var gate = new SafetyGate(new LatestValueSlot<VerdictSample>(), new SafetyGateOptions(), clock);
        var ring = new TelemetryRing(6, capacity: 8192);
        var (pipeline, hw) = PipelineFactory.Create(ring: ring, stops: new StopExecutor(gate, new StopExecutorOptions(), 6));
        using (var recorder = new TelemetryRecorder(path, ring, hw.Description, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), everyNthTick))
        {
            for (int i = 0; i < 500; i++)
            {
                clock.Advance(0.001);
                pipeline.Tick();
            }
        }
        return McapReader.Read(path);
    }

    [Fact]
    public void Record_SupervisedLoopWithoutVerdicts_SafetyStopChannelShowsSettleThenStable()
    {
        string path = TempFile();
        try
        {
            McapReader file = RecordSupervisedLoopWithoutVerdicts(path);
            McapChannel channel = file.Channels.Single(c => c.Topic == "/safety_stop");
            var changes = file.Messages.Where(m => m.ChannelId == channel.Id).Select(m => SafetyStop.Parser.ParseFrom(m.Data)).ToList();
            Assert.Equal([("Settle", "Settling", "ReasonSupervisorUnavailable", 0L), ("Settle", "Stable", "ReasonSupervisorUnavailable", 199L)],
                changes.Select(c => (c.Stop, c.Phase, c.Reason, c.TicksInStop)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_FileCutOffMidChunk_ReadsUpToLastCompleteChunk()
    {
        string path = TempFile();
        try
        {
            using (var writer = new McapWriter(File.Create(path), chunkSize: 4096))
            {
                ushort schema = writer.AddSchema("robot.telemetry.ControllerInternals", "protobuf", [1, 2, 3]);
                ushort channel = writer.AddChannel("/controller", schema, "protobuf");
                for (uint i = 0; i < 1000; i++)
                {
                    writer.WriteMessage(channel, i, i * 1000UL, i * 1000UL, BitConverter.GetBytes((double)i));
                }
            }
            byte[] whole = File.ReadAllBytes(path);
            Assert.Equal(1000, McapReader.Read(whole).Messages.Count);

            // Cut the file in the middle of its data section, as a crash would.
            byte[] cut = whole.AsSpan(0, whole.Length / 2).ToArray();
            McapReader partial = McapReader.Read(cut);
            Assert.True(partial.Truncated);
            Assert.InRange(partial.Messages.Count, 100, 999);
            Assert.Equal(Enumerable.Range(0, partial.Messages.Count).Select(i => (uint)i), partial.Messages.Select(m => m.Sequence));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] WriteCounting(string compression, int count = 1000)
    {
        using var stream = new MemoryStream();
        using (var writer = new McapWriter(stream, chunkSize: 4096, compression: compression))
        {
            ushort schema = writer.AddSchema("robot.telemetry.ControllerInternals", "protobuf", [1, 2, 3]);
            ushort channel = writer.AddChannel("/controller", schema, "protobuf");
            for (uint i = 0; i < count; i++)
            {
                writer.WriteMessage(channel, i, i * 1000UL, i * 1000UL, BitConverter.GetBytes((double)(i % 7)));
            }
        }
        return stream.ToArray();
    }

    [Fact]
    public void Zstd_SameMessagesAsUncompressed_InAFractionOfTheBytes()
    {
        byte[] plain = WriteCounting(""), zstd = WriteCounting(McapWriter.Zstd);
        McapReader a = McapReader.Read(plain), b = McapReader.Read(zstd);
        Assert.False(b.Truncated);
        Assert.True(b.HasFooter);
        Assert.Equal(a.Messages.Select(m => (m.Sequence, m.LogTime, Convert.ToHexString(m.Data))), b.Messages.Select(m => (m.Sequence, m.LogTime, Convert.ToHexString(m.Data))));
        Assert.True(zstd.Length < plain.Length / 2, $"zstd {zstd.Length} B against {plain.Length} B uncompressed");
    }

    [Fact]
    public void Writer_UnknownCompression_ClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => new McapWriter(new MemoryStream(), compression: "lz5"));
        Assert.Contains("'lz5' is not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CorruptZstdChunk_ClearErrorNamingTheChunk()
    {
        byte[] file = WriteCounting(McapWriter.Zstd);
        // The first chunk: its compression string "zstd", the records' length (u64), then the zstd frame; break the frame's magic.
        int at = file.AsSpan().IndexOf("zstd"u8) + 4 + 8;
        file[at] ^= 0xFF;
        var e = Assert.Throws<InvalidDataException>(() => McapReader.Read(file, "x.mcap"));
        Assert.StartsWith("x.mcap: chunk at offset ", e.Message, StringComparison.Ordinal);
        Assert.Contains("zstd data does not decompress", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_EveryTenthTick_StatesDecimated_SafetyChangesOnTheirTick()
    {
        string path = TempFile();
        try
        {
            McapReader file = RecordSupervisedLoopWithoutVerdicts(path, everyNthTick: 10);
            McapChannel states = file.Channels.Single(c => c.Topic == "/joint_states");
            Assert.Equal(Enumerable.Range(0, 50).Select(i => i * 10L), file.Messages.Where(m => m.ChannelId == states.Id).Select(m => JointStates.Parser.ParseFrom(m.Data).Tick));
            McapChannel safety = file.Channels.Single(c => c.Topic == "/safety_stop");
            // Tick 199 is not a tenth tick: the stop's phase change is still recorded when it happens.
            Assert.Equal([0L, 199L], file.Messages.Where(m => m.ChannelId == safety.Id).Select(m => SafetyStop.Parser.ParseFrom(m.Data).TicksInStop));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_NotMcap_ClearError()
    {
        var e = Assert.Throws<InvalidDataException>(() => McapReader.Read("not an mcap file"u8.ToArray(), "x.mcap"));
        Assert.Equal("x.mcap: not an MCAP file (bad magic at offset 0)", e.Message);
    }

    [Fact]
    public void Record_StopStartsAndEndsWhileTheRingIsFull_SafetyStopAndTheGapAreRecorded()
    {
        string path = TempFile();
        try
        {
            // A 4-frame ring nobody drains: ticks 4… are dropped, and a stop begins and ends among them.
            var clock = new LoopTimeProvider();
            var verdicts = new LatestValueSlot<VerdictSample>();
            var gate = new SafetyGate(verdicts, new SafetyGateOptions(), clock);
            var ring = new TelemetryRing(6, capacity: 4);
            var (pipeline, hw) = PipelineFactory.Create(ring: ring, stops: new StopExecutor(gate, new StopExecutorOptions(), 6));
            void Receive(VerdictKind kind, ReasonCode reason) =>
                verdicts.Publish(new VerdictSample(kind, 1.5, reason, StopLevel.None, false, clock.GetTimestamp()));
            for (int i = 0; i < 100; i++)
            {
                clock.Advance(0.001);
                if (i == 50)
                {
                    Receive(VerdictKind.ProtectiveStop, ReasonCode.ReasonKeepOutAhead);
                }
                else if (i % 10 == 0)
                {
                    Receive(VerdictKind.Permit, ReasonCode.ReasonClear);
                }
                pipeline.Tick();
            }
            Assert.Equal(96, ring.Dropped);
            using (new TelemetryRecorder(path, ring, hw.Description, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)))
            {
            }

            McapReader file = McapReader.Read(path);
            McapChannel safety = file.Channels.Single(c => c.Topic == "/safety_stop");
            Assert.Equal([(0L, "None", "None"), (50L, "Settle", "Settling"), (60L, "None", "None")],
                file.Messages.Where(m => m.ChannelId == safety.Id).Select(m => SafetyStop.Parser.ParseFrom(m.Data)).Select(s => (s.Tick, s.Stop, s.Phase)));
            McapChannel gaps = file.Channels.Single(c => c.Topic == "/telemetry_gaps");
            TelemetryGap gap = TelemetryGap.Parser.ParseFrom(Assert.Single(file.Messages, m => m.ChannelId == gaps.Id).Data);
            Assert.Equal((4L, 96L, 96L), (gap.FirstTick, gap.Dropped, gap.DroppedTotal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TelemetryRing_Full_DropsAndCounts()
    {
        var ring = new TelemetryRing(6, capacity: 4);
        var (pipeline, _) = PipelineFactory.Create(ring: ring);
        for (int i = 0; i < 10; i++)
        {
            pipeline.Tick();
        }
        Assert.Equal(4, ring.Pending);
        Assert.Equal(6, ring.Dropped);
        Assert.Equal(0, ring.Peek()!.Tick);
        ring.Release();
        Assert.Equal(1, ring.Peek()!.Tick);
    }
}
