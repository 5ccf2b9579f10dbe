using Robot.Cli;

return await RobotCli.RunAsync(args, Console.Out, Console.Error);
