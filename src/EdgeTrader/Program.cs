using System.CommandLine;
var root = new RootCommand("edgetrader");
return root.Parse(args).Invoke();
