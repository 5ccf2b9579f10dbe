using Robot.Safety.Geofence;

namespace Robot.Safety.Tests.Geofence;

public class ProtectiveSeparationTests
{
    [Fact]
    public void Distance_MatchesIsoTs15066Terms()
    {
        // v_r = 1 m/s, T_r = 0.1 s, a = 2 m/s²: T_s = 0.5 s, S_h = 1.6·0.6 = 0.96, S_r = 0.1,
        // S_s = 0.25, C + Z_d + Z_r = 0.85 + 0.1 + 0.05 = 1.0  →  2.31 m.
        Assert.Equal(2.31, ProtectiveSeparation.Distance(1, 0.1, 2, SeparationParameters.Default), 12);
    }

    [Fact]
    public void Distance_TrackUncertaintyReplacesTheDefault()
    {
        Assert.Equal(2.51, ProtectiveSeparation.Distance(1, 0.1, 2, SeparationParameters.Default, sensingUncertainty: 0.3), 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.4)]
    [InlineData(1.3)]
    public void MaxRobotSpeed_IsTheInverseOfDistance(double speed)
    {
        double d = ProtectiveSeparation.Distance(speed, 0.16, 1.0, SeparationParameters.Default);
        Assert.Equal(speed, ProtectiveSeparation.MaxRobotSpeed(d, 0.16, 1.0, SeparationParameters.Default), 9);
    }

    [Fact]
    public void MaxRobotSpeed_TooCloseEvenStanding_IsNegative()
    {
        Assert.True(ProtectiveSeparation.MaxRobotSpeed(0.5, 0.16, 1.0, SeparationParameters.Default) < 0);
    }

    [Fact]
    public void Defaults_ArePinned()
    {
        Assert.Equal(new SeparationParameters(1.6, 0.85, 0.1, 0.05, 0.09), SeparationParameters.Default);
        Assert.Equal(0.02, GeofenceConstants.DecisionLatencyAllowance);
        Assert.Equal(0.05, GeofenceConstants.MinimumMovingSpeed);
        Assert.Equal(1.5, SiteDefaults.Default.MaxSpeed);
        Assert.Equal(TimeSpan.FromMilliseconds(250), SiteDefaults.Default.HeartbeatTimeout);
    }
}
