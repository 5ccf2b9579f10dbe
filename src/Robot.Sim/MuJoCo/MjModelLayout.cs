namespace Robot.Sim.MuJoCo;

/// <summary>
/// Byte offsets of the <c>mjModel</c> fields this binding reads, MuJoCo 2.2.2, x86-64
/// (include/mujoco/mjmodel.h). Sizes are <c>int</c>; arrays are pointers to <c>mjtNum</c>
/// (double) or <c>int</c> whose length is given beside each one. Proven by MjLayoutTests.
/// </summary>
[CStruct("mjModel")]
internal static class MjModelLayout
{
    [CField("nq")] internal const int Nq = 0;
    [CField("nv")] internal const int Nv = 4;
    [CField("nu")] internal const int Nu = 8;
    [CField("nbody")] internal const int NBody = 16;
    [CField("njnt")] internal const int NJnt = 20;
    [CField("ngeom")] internal const int NGeom = 24;
    [CField("nsite")] internal const int NSite = 28;
    [CField("neq")] internal const int NEq = 112;
    [CField("nsensor")] internal const int NSensor = 124;
    [CField("nkey")] internal const int NKey = 152;
    [CField("nnames")] internal const int NNames = 192;
    [CField("nsensordata")] internal const int NSensorData = 224;

    /// <summary><c>mjtNum opt.timestep</c>, s.</summary>
    [CField("opt.timestep")] internal const int OptTimestep = 232;
    /// <summary><c>mjtNum opt.gravity[3]</c>, m/s².</summary>
    [CField("opt.gravity")] internal const int OptGravity = 280;

    /// <summary><c>int* body_parentid</c> (nbody).</summary>
    [CField("body_parentid")] internal const int BodyParentId = 1112;
    /// <summary><c>int* body_rootid</c> (nbody).</summary>
    [CField("body_rootid")] internal const int BodyRootId = 1120;
    /// <summary><c>mjtNum* body_ipos</c> (nbody × 3).</summary>
    /// <summary><c>mjtNum* body_pos</c> (nbody × 3): body origin in the parent frame, m.</summary>
    [CField("body_pos")] internal const int BodyPos = 1208;
    /// <summary><c>mjtNum* body_quat</c> (nbody × 4): body frame in the parent frame, w first.</summary>
    [CField("body_quat")] internal const int BodyQuat = 1216;
    [CField("body_ipos")] internal const int BodyIpos = 1224;
    /// <summary><c>mjtNum* body_mass</c> (nbody).</summary>
    [CField("body_mass")] internal const int BodyMass = 1240;
    /// <summary><c>mjtNum* body_inertia</c> (nbody × 3).</summary>
    [CField("body_inertia")] internal const int BodyInertia = 1256;

    /// <summary><c>int* jnt_type</c> (njnt), mjtJoint.</summary>
    [CField("jnt_type")] internal const int JntType = 1280;
    /// <summary><c>int* jnt_qposadr</c> (njnt).</summary>
    [CField("jnt_qposadr")] internal const int JntQposAdr = 1288;
    /// <summary><c>int* jnt_dofadr</c> (njnt).</summary>
    [CField("jnt_dofadr")] internal const int JntDofAdr = 1296;
    /// <summary><c>int* jnt_bodyid</c> (njnt).</summary>
    [CField("jnt_bodyid")] internal const int JntBodyId = 1304;
    /// <summary><c>mjtNum* jnt_axis</c> (njnt × 3): joint axis in the body frame.</summary>
    [CField("jnt_axis")] internal const int JntAxis = 1352;
    /// <summary><c>mjtByte* jnt_limited</c> (njnt).</summary>
    [CField("jnt_limited")] internal const int JntLimited = 1320;
    /// <summary><c>mjtNum* jnt_range</c> (njnt × 2).</summary>
    [CField("jnt_range")] internal const int JntRange = 1368;

    /// <summary><c>mjtNum* dof_frictionloss</c> (nv).</summary>
    [CField("dof_frictionloss")] internal const int DofFrictionLoss = 1448;
    /// <summary><c>mjtNum* dof_armature</c> (nv).</summary>
    [CField("dof_armature")] internal const int DofArmature = 1456;
    /// <summary><c>mjtNum* dof_damping</c> (nv).</summary>
    [CField("dof_damping")] internal const int DofDamping = 1464;

    /// <summary><c>int* geom_bodyid</c> (ngeom).</summary>
    [CField("geom_bodyid")] internal const int GeomBodyId = 1520;
    /// <summary><c>mjtNum* geom_size</c> (ngeom × 3).</summary>
    [CField("geom_size")] internal const int GeomSize = 1592;
    /// <summary><c>mjtNum* geom_friction</c> (ngeom × 3): sliding, torsional, rolling.</summary>
    [CField("geom_friction")] internal const int GeomFriction = 1624;

    /// <summary><c>int* site_bodyid</c> (nsite).</summary>
    [CField("site_bodyid")] internal const int SiteBodyId = 1680;

    /// <summary><c>int* actuator_trntype</c> (nu), mjtTrn.</summary>
    [CField("actuator_trntype")] internal const int ActuatorTrnType = 2696;
    /// <summary><c>int* actuator_trnid</c> (nu × 2).</summary>
    [CField("actuator_trnid")] internal const int ActuatorTrnId = 2728;
    /// <summary><c>mjtByte* actuator_ctrllimited</c> (nu).</summary>
    [CField("actuator_ctrllimited")] internal const int ActuatorCtrlLimited = 2744;
    /// <summary><c>mjtNum* actuator_ctrlrange</c> (nu × 2).</summary>
    [CField("actuator_ctrlrange")] internal const int ActuatorCtrlRange = 2792;
    /// <summary><c>mjtNum* actuator_gear</c> (nu × 6).</summary>
    [CField("actuator_gear")] internal const int ActuatorGear = 2816;

    /// <summary><c>int* sensor_type</c> (nsensor), mjtSensor.</summary>
    [CField("sensor_type")] internal const int SensorType = 2864;
    /// <summary><c>int* sensor_objtype</c> (nsensor), mjtObj.</summary>
    [CField("sensor_objtype")] internal const int SensorObjType = 2888;
    /// <summary><c>int* sensor_objid</c> (nsensor).</summary>
    [CField("sensor_objid")] internal const int SensorObjId = 2896;
    /// <summary><c>int* sensor_dim</c> (nsensor).</summary>
    [CField("sensor_dim")] internal const int SensorDim = 2920;
    /// <summary><c>int* sensor_adr</c> (nsensor).</summary>
    [CField("sensor_adr")] internal const int SensorAdr = 2928;

    /// <summary><c>mjtNum* key_qpos</c> (nkey × nq).</summary>
    [CField("key_qpos")] internal const int KeyQpos = 3056;

    /// <summary><c>int* name_bodyadr</c> (nbody).</summary>
    [CField("name_bodyadr")] internal const int NameBodyAdr = 3104;
    /// <summary><c>int* name_jntadr</c> (njnt).</summary>
    [CField("name_jntadr")] internal const int NameJntAdr = 3112;
    /// <summary><c>int* name_geomadr</c> (ngeom).</summary>
    [CField("name_geomadr")] internal const int NameGeomAdr = 3120;
    /// <summary><c>int* name_siteadr</c> (nsite).</summary>
    [CField("name_siteadr")] internal const int NameSiteAdr = 3128;
    /// <summary><c>int* name_actuatoradr</c> (nu).</summary>
    [CField("name_actuatoradr")] internal const int NameActuatorAdr = 3224;
    /// <summary><c>int* name_sensoradr</c> (nsensor).</summary>
    [CField("name_sensoradr")] internal const int NameSensorAdr = 3232;
    /// <summary><c>char* names</c> (nnames): every name, NUL-terminated, concatenated.</summary>
    [CField("names")] internal const int Names = 3272;
}
