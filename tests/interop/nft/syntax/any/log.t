:output;type filter hook output priority 0
*ip;test-ip4;output
*ip6;test-ip6;output
*inet;test-inet;output
log;ok
log level emerg;ok
log level alert;ok
log level crit;ok
log level err;ok
log level warn;ok
log level notice;ok
log level info;ok
log level debug;ok
log prefix aaaaa-aaaaaa group 2 snaplen 33;ok
log group 2 queue-threshold 2;ok
log group 2 snaplen 33;ok
log group 2 prefix "nft-test: ";ok
log flags all;ok
log level debug flags ip options flags skuid;ok
log flags tcp sequence,options;ok
log flags ip options flags ether flags skuid flags tcp sequence,options;ok
