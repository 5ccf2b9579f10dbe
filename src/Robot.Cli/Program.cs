using Robot.Cli;

return RobotCli.Run(args, Console.Out, Console.Error);
