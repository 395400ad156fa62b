:input;type filter hook input priority 0
*ip6;test-ip6;input
*inet;test-inet;input
ip6 dscp cs1;ok
ip6 dscp != cs1;ok
ip6 dscp 0x38;ok
ip6 dscp != 0x20;ok
ip6 dscp {cs0, cs1, cs2, cs3, cs4, cs5, cs6, cs7, af11, af12, af13, af21, af22, af23, af31, af32, af33, af41, af42, af43, ef};ok
ip6 dscp vmap { 0x04 : accept, 0x3f : continue } counter;ok
ip6 flowlabel 22;ok
ip6 flowlabel != 233;ok
ip6 flowlabel { 33, 55, 67, 88};ok
ip6 flowlabel != { 33, 55, 67, 88};ok
ip6 flowlabel { 33-55};ok
ip6 flowlabel != { 33-55};ok
ip6 flowlabel vmap { 0 : accept, 2 : continue };ok
ip6 length 22;ok
ip6 length != 233;ok
ip6 length 33-45;ok
ip6 length != 33-45;ok
ip6 length { 33, 55, 67, 88};ok
ip6 length != {33, 55, 67, 88};ok
ip6 length { 33-55};ok
ip6 length != { 33-55};ok
ip6 nexthdr {udp, ah, comp, udplite, tcp, dccp, sctp};ok
ip6 nexthdr {esp, ah, comp, udp, udplite, tcp, dccp, sctp, icmpv6};ok
ip6 nexthdr != {esp, ah, comp, udp, udplite, tcp, dccp, sctp, icmpv6};ok
ip6 nexthdr esp;ok
ip6 nexthdr != esp;ok
ip6 nexthdr { 33-44};ok
ip6 nexthdr != { 33-44};ok
ip6 nexthdr 33-44;ok
ip6 nexthdr != 33-44;ok
ip6 hoplimit 1;ok
ip6 hoplimit != 233;ok
ip6 hoplimit 33-45;ok
ip6 hoplimit != 33-45;ok
ip6 hoplimit {33, 55, 67, 88};ok
ip6 hoplimit != {33, 55, 67, 88};ok
ip6 hoplimit {33-55};ok
ip6 hoplimit != {33-55};ok
ip6 saddr 1234:1234:1234:1234:1234:1234:1234:1234;ok
ip6 saddr ::1234:1234:1234:1234:1234:1234:1234;ok
ip6 saddr 1234::1234:1234:1234:1234:1234:1234;ok
ip6 saddr 1234:1234::1234:1234:1234:1234:1234;ok
ip6 saddr 1234:1234:0:1234:1234:1234:1234:1234;ok
ip6 saddr 1234:1234:1234::1234:1234:1234:1234;ok
ip6 saddr 1234:1234:1234:1234:0:1234:1234:1234;ok
ip6 saddr 1234:1234:1234:1234:1234::1234:1234;ok
ip6 saddr 1234:1234:1234:1234:1234:1234:0:1234;ok
ip6 saddr 1234:1234:1234:1234:1234:1234:1234::;ok
ip6 saddr ::1234:1234:1234:1234:1234:1234;ok
ip6 saddr 1234::1234:1234:1234:1234:1234;ok
ip6 saddr 1234:1234::1234:1234:1234:1234;ok
ip6 saddr 1234:1234:1234::1234:1234:1234;ok
ip6 saddr 1234:1234:1234:1234::1234:1234;ok
ip6 saddr 1234:1234:1234:1234:1234::1234;ok
ip6 saddr 1234:1234:1234:1234:1234:1234::;ok
ip6 saddr ::1234:1234:1234:1234:1234;ok
ip6 saddr 1234::1234:1234:1234:1234;ok
ip6 saddr 1234:1234::1234:1234:1234;ok
ip6 saddr 1234:1234:1234::1234:1234;ok
ip6 saddr 1234:1234:1234:1234::1234;ok
ip6 saddr 1234:1234:1234:1234:1234::;ok
ip6 saddr ::1234:1234:1234:1234;ok
ip6 saddr 1234::1234:1234:1234;ok
ip6 saddr 1234:1234::1234:1234;ok
ip6 saddr 1234:1234:1234::1234;ok
ip6 saddr 1234:1234:1234:1234::;ok
ip6 saddr ::1234:1234:1234;ok
ip6 saddr 1234::1234:1234;ok
ip6 saddr 1234:1234::1234;ok
ip6 saddr 1234:1234:1234::;ok
ip6 saddr ::1234:1234;ok
ip6 saddr 1234::1234;ok
ip6 saddr 1234:1234::;ok
ip6 saddr ::1234;ok
ip6 saddr 1234::;ok
ip6 saddr ::/64;ok
ip6 saddr ::1 ip6 daddr ::2;ok
ip6 daddr != {::1234:1234:1234:1234:1234:1234:1234, 1234:1234::1234:1234:1234:1234:1234 };ok
ip6 daddr != ::1234:1234:1234:1234:1234:1234:1234-1234:1234::1234:1234:1234:1234:1234;ok
iif "lo" ip6 daddr set ::1;ok
iif "lo" ip6 hoplimit set 1;ok
iif "lo" ip6 dscp set af42;ok
iif "lo" ip6 dscp set 63;ok
iif "lo" ip6 ecn set ect0;ok
iif "lo" ip6 ecn set ce;ok
iif "lo" ip6 flowlabel set 0;ok
iif "lo" ip6 flowlabel set 12345;ok
iif "lo" ip6 flowlabel set 0xfffff;ok
