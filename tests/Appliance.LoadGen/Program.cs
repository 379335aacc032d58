using Appliance.LoadGen;

return await LoadGenCommand.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
