:input;type filter hook input priority 0
*ip;test-ip4;input
*ip6;test-ip6;input
*inet;test-inet;input
meta length 1000;ok
meta length 22;ok
meta length != 233;ok
meta length 33-45;ok
meta length != 33-45;ok
meta length { 33, 55, 67, 88};ok
meta length { 33-55, 67-88};ok
meta length { 33-55, 56-88, 100-120};ok
meta length != { 33, 55, 67, 88};ok
meta length { 33-55, 66-88};ok
meta length != { 33-55, 66-88};ok
meta protocol { ip, arp, ip6, vlan };ok
meta protocol != {ip, arp, ip6, vlan};ok
meta protocol ip;ok
meta protocol != ip;ok
meta l4proto 22;ok
meta l4proto != 233;ok
meta l4proto 33-45;ok
meta l4proto != 33-45;ok
meta l4proto { 33, 55, 67, 88};ok
meta l4proto != { 33, 55, 67, 88};ok
meta l4proto { 33-55, 66-88};ok
meta l4proto != { 33-55, 66-88};ok
meta priority root;ok
meta priority none;ok
meta priority 0x87654321;ok
meta priority 2271560481;ok
meta priority 1:1234;ok
meta priority bcad:dadc;ok
meta priority aabb:0;ok
meta priority != bcad:dadc;ok
meta priority != aabb:0;ok
meta priority bcad:dada-bcad:dadc;ok
meta priority != bcad:dada-bcad:dadc;ok
meta priority {bcad:dada, bcad:dadc, aaaa:bbbb};ok
meta priority set cafe:beef;ok
meta priority != {bcad:dada, bcad:dadc, aaaa:bbbb};ok
meta mark 0x4;ok
meta mark 0x32;ok
meta mark and 0x03 == 0x01;ok
meta mark and 0x03 != 0x01;ok
meta mark 0x10;ok
meta mark != 0x10;ok
meta mark or 0x03 == 0x01;ok
meta mark or 0x03 != 0x01;ok
meta mark xor 0x03 == 0x01;ok
meta mark xor 0x03 != 0x01;ok
meta iif "lo" accept;ok
meta iif != "lo" accept;ok
meta iifname "dummy0";ok
meta iifname != "dummy0";ok
meta iifname {"dummy0", "lo"};ok
meta iifname != {"dummy0", "lo"};ok
meta iifname "dummy*";ok
meta iifname "dummy\*";ok
meta iiftype {ether, ppp, ipip, ipip6, loopback, sit, ipgre};ok
meta iiftype != {ether, ppp, ipip, ipip6, loopback, sit, ipgre};ok
meta iiftype != ether;ok
meta iiftype ether;ok
meta iiftype != ppp;ok
meta iiftype ppp;ok
meta oif "lo" accept;ok
meta oif != "lo" accept;ok
meta oifname "dummy0";ok
meta oifname != "dummy0";ok
meta oifname { "dummy0", "lo"};ok
meta oifname "dummy*";ok
meta oifname "dummy\*";ok
meta oiftype {ether, ppp, ipip, ipip6, loopback, sit, ipgre};ok
meta oiftype != {ether, ppp, ipip, ipip6, loopback, sit, ipgre};ok
meta oiftype != ether;ok
meta oiftype ether;ok
meta skuid {"bin", "root", "daemon"} accept;ok
meta skuid != {"bin", "root", "daemon"} accept;ok
meta skuid "root";ok
meta skuid != "root";ok
meta skuid lt 3000 accept;ok
meta skuid gt 3000 accept;ok
meta skuid eq 3000 accept;ok
meta skuid 3001-3005 accept;ok
meta skuid != 2001-2005 accept;ok
meta skuid { 2001-2005, 3001-3005} accept;ok
meta skuid != { 2001-2005, 3001-3005} accept;ok
meta skgid {"bin", "root", "daemon"} accept;ok
meta skgid != {"bin", "root", "daemon"} accept;ok
meta skgid "root";ok
meta skgid != "root";ok
meta skgid lt 3000 accept;ok
meta skgid gt 3000 accept;ok
meta skgid eq 3000 accept;ok
meta skgid 2001-2005 accept;ok
meta skgid != 2001-2005 accept;ok
meta skgid { 2001-2005} accept;ok
meta skgid != { 2001-2005} accept;ok
meta mark set 0xffffffc8 xor 0x16;ok
meta mark set 0x16 and 0x16;ok
meta mark set 0xffffffe9 or 0x16;ok
meta mark set 0xffffffde and 0x16;ok
meta mark set 0xf045ffde or 0x10;ok
meta mark set 0xffffffde or 0x16;ok
meta mark set 0x32 or 0xfffff;ok
meta mark set 0xfffe xor 0x16;ok
meta iif "lo";ok
meta oif "lo";ok
meta oifname "dummy2" accept;ok
meta skuid 3000;ok
meta skgid 3000;ok
meta rtclassid "cosmos";ok
meta pkttype broadcast;ok
meta pkttype host;ok
meta pkttype multicast;ok
meta pkttype != broadcast;ok
meta pkttype != host;ok
meta pkttype != multicast;ok
pkttype { broadcast, multicast} accept;ok
meta cpu 1;ok
meta cpu != 1;ok
meta cpu 1-3;ok
meta cpu != 1-2;ok
meta cpu { 2,3};ok
meta cpu { 2-3, 5-7};ok
meta cpu != { 2,3};ok
meta iifgroup 0;ok
meta iifgroup != 0;ok
meta iifgroup "default";ok
meta iifgroup != "default";ok
meta iifgroup {"default", 11};ok
meta iifgroup != {"default", 11};ok
meta iifgroup { 11,33};ok
meta iifgroup {11-33, 44-55};ok
meta iifgroup != { 11,33};ok
meta iifgroup != {11-33, 44-55};ok
meta oifgroup 0;ok
meta oifgroup != 0;ok
meta oifgroup "default";ok
meta oifgroup != "default";ok
meta oifgroup {"default", 11};ok
meta oifgroup != {"default", 11};ok
meta oifgroup { 11,33};ok
meta oifgroup {11-33, 44-55};ok
meta oifgroup != { 11,33};ok
meta oifgroup != {11-33, 44-55};ok
meta cgroup 1048577;ok
meta cgroup != 1048577;ok
meta cgroup { 1048577, 1048578 };ok
meta cgroup != { 1048577, 1048578};ok
meta cgroup 1048577-1048578;ok
meta cgroup != 1048577-1048578;ok
meta cgroup {1048577-1048578};ok
meta cgroup != { 1048577-1048578};ok
meta iif . meta oif { "lo" . "lo" };ok
meta iif . meta oif . meta mark { "lo" . "lo" . 0x0000000a };ok
meta iif . meta oif vmap { "lo" . "lo" : drop };ok
meta random eq 1;ok
meta random gt 1000000;ok
meta time "1970-05-23 21:07:14" drop;ok
meta time 12341234 drop;ok
meta time "2019-06-21 17:00:00" drop;ok
meta time "2019-07-01 00:00:00" drop;ok
meta time "2019-07-01 00:01:00" drop;ok
meta time "2019-07-01 00:00:01" drop;ok
meta day "Saturday" drop;ok
meta day 6 drop;ok
meta hour "17:00" drop;ok
meta hour "17:00:00" drop;ok
meta hour "17:00:01" drop;ok
meta hour "00:00" drop;ok
meta hour "00:01" drop;ok
