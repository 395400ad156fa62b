:output;type filter hook output priority 0
*ip;test-ip4;output
%cnt1 type counter;ok
%cnt2 type counter;ok
ip saddr 192.168.1.3 counter name "cnt2";ok
counter name tcp dport map {443 : "cnt1", 80 : "cnt2", 22 : "cnt1"};ok
%qt1 type quota 25 mbytes;ok
%qt2 type quota over 1 kbytes;ok
ip saddr 192.168.1.3 quota name "qt1";ok
quota name tcp dport map {443 : "qt1", 80 : "qt2", 22 : "qt1"};ok
%cthelp1 type ct helper { type "ftp" protocol tcp; };ok
ct helper set "cthelp1";ok
ct helper set tcp dport map {21 : "cthelp1", 2121 : "cthelp1" };ok
%lim1 type limit rate 400/minute;ok
%lim2 type limit rate over 1024 bytes/second burst 512 bytes;ok
ip saddr 192.168.1.3 limit name "lim1";ok
limit name tcp dport map {443 : "lim1", 80 : "lim2", 22 : "lim1"};ok
