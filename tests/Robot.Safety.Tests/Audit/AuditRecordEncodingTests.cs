using Robot.Safety.Audit;

namespace Robot.Safety.Tests.Audit;

public class AuditRecordEncodingTests
{
    [Fact]
    public void Encode_KnownRecord_MatchesHandWrittenBytes()
    {
        var record = new AuditRecord(DateTimeOffset.UnixEpoch.AddTicks(10 * 1_000_001), "s", "c", "t", "r", "p", null, "z", null);
        byte[] bytes = AuditRecordEncoding.Encode(258, record);
        string expected =
            "01" + "0000000000000102" + "00000000000f4241" // version, index 258, 1,000,001 µs
            + "0000000173" + "0000000163" + "0000000174" + "0000000172" + "0000000170" // s c t r p
            + "ffffffff" + "000000017a" + "ffffffff"; // robot null, zone "z", details null
        Assert.Equal(expected, Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Decode_RoundTripsEveryField()
    {
        AuditRecord record = AuditTestData.Record(7) with { Details = "{\"reason\":\"zone ü entered\"}" };
        var (index, decoded) = AuditRecordEncoding.Decode(AuditRecordEncoding.Encode(42, record));
        Assert.Equal(42, index);
        Assert.Equal(record, decoded);
    }

    [Fact]
    public void Encode_TimestampKeepsMicroseconds()
    {
        var t = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567);
        var (_, decoded) = AuditRecordEncoding.Decode(AuditRecordEncoding.Encode(0, AuditTestData.Record(0) with { Timestamp = t }));
        Assert.Equal(t.UtcTicks / 10 * 10, decoded.Timestamp.UtcTicks);
    }

    [Fact]
    public void Validate_LoneSurrogate_NamesTheField()
    {
        var e = Assert.Throws<ArgumentException>(() => AuditRecordEncoding.Validate(AuditTestData.Record(1) with { ZoneId = "a\ud800" }));
        Assert.Contains("ZoneId", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingPrincipal_NamesTheField()
    {
        var e = Assert.Throws<ArgumentException>(() => AuditRecordEncoding.Validate(AuditTestData.Record(1) with { Principal = null! }));
        Assert.Contains("Principal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_IndexIsPartOfTheLeaf()
    {
        AuditRecord record = AuditTestData.Record(3);
        Assert.NotEqual(AuditRecordEncoding.LeafHash(3, record), AuditRecordEncoding.LeafHash(4, record));
    }
}
