using Appliance.Host;

return await ApplianceApp.RunAsync(args);
