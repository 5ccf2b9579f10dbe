namespace Robot.Policies.Datasets;

/// <summary>How a feature's <c>names</c> appear in info.json: a plain list, a one-key object such as
/// <c>{"motors": [...]}</c>, or absent (null).</summary>
public enum FeatureNamesStyle
{
    None,
    List,
    Keyed,
}

/// <summary>
/// One entry of info.json <c>features</c>: a column of every frame. <see cref="Shape"/> is the
/// per-frame shape (<c>[16]</c> for a 16-joint state, <c>[1]</c> for a scalar such as timestamp).
/// LeRobot stores shape-[1] features as scalar columns and longer vectors as parquet list columns.
/// </summary>
public sealed record DatasetFeature(string Key, string Dtype, IReadOnlyList<int> Shape, IReadOnlyList<string>? Names = null,
    FeatureNamesStyle NamesStyle = FeatureNamesStyle.None, string NamesKey = "motors")
{
    /// <summary>Values per frame (product of the shape).</summary>
    public int Width => Shape.Aggregate(1, (a, b) => a * b);

    /// <summary>True when the column is a scalar (shape [1]), false when a list column.</summary>
    public bool IsScalar => Shape.Count == 1 && Shape[0] == 1 && Dtype is not ("image" or "video");

    /// <summary>True for image/video features, which live outside the data parquet files.</summary>
    public bool IsVisual => Dtype is "image" or "video";

    /// <summary>A float32 vector feature with names (listed plainly, as LeRobot writes them).</summary>
    public static DatasetFeature Float32Vector(string key, IReadOnlyList<string> names) =>
        new(key, "float32", [names.Count], names, FeatureNamesStyle.List);

    /// <summary>A scalar feature (shape [1], no names).</summary>
    public static DatasetFeature Scalar(string key, string dtype) => new(key, dtype, [1]);
}
