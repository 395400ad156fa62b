:output;type filter hook output priority 0
*ip;test-ip4;output
*ip6;test-ip6;output
*inet;test-inet;output
ct state new,established, related, untracked;ok
ct state != related;ok
ct state {new,established, related, untracked};ok
ct state != {new,established, related, untracked};ok
ct state invalid drop;ok
ct state established accept;ok
ct state 8;ok
ct direction original;ok
ct direction != original;ok
ct direction reply;ok
ct direction != reply;ok
ct direction {reply, original};ok
ct direction != {reply, original};ok
ct status expected;ok
ct status != expected;ok
ct status seen-reply;ok
ct status != seen-reply;ok
ct status {expected, seen-reply, assured, confirmed, dying};ok
ct status expected,seen-reply,assured,confirmed,snat,dnat,dying;ok
ct status snat;ok
ct status dnat;ok
ct mark 0;ok
ct mark or 0x23 == 0x11;ok
ct mark or 0x3 != 0x1;ok
ct mark and 0x23 == 0x11;ok
ct mark and 0x3 != 0x1;ok
ct mark xor 0x23 == 0x11;ok
ct mark xor 0x3 != 0x1;ok
ct mark 0x00000032;ok
ct mark != 0x00000032;ok
ct mark 0x00000032-0x00000045;ok
ct mark != 0x00000032-0x00000045;ok
ct mark {0x32, 0x2222, 0x42de3};ok
ct mark {0x32-0x2222, 0x4444-0x42de3};ok
ct mark != {0x32, 0x2222, 0x42de3};ok
ct mark set 0x11 xor 0x1331;ok
ct mark set 0x11333 and 0x11;ok
ct mark set 0x12 or 0x11;ok
ct mark set 0x11;ok
ct mark set mark;ok
ct mark set mark map { 1 : 10, 2 : 20, 3 : 30 };ok
ct expiration 30s;ok
ct expiration 30000ms;ok
ct expiration 1m-1h;ok
ct expiration > 4d23h59m59s;ok
ct expiration != 233;ok
ct expiration 33-45;ok
ct expiration != 33-45;ok
ct expiration {33, 55, 67, 88};ok
ct expiration != {33, 55, 67, 88};ok
ct expiration {33-55};ok
ct expiration != {33-55};ok
ct helper "ftp";ok
ct state . ct mark { new . 0x12345678};ok
ct state . ct mark { new . 0x12345678, new . 0x34127856, established . 0x12785634};ok
ct direction . ct mark { original . 0x12345678};ok
ct state . ct mark vmap { new . 0x12345678 : drop};ok
ct original bytes > 100000;ok
ct reply packets < 100;ok
ct bytes > 100000;ok
ct avgpkt > 200;ok
ct original avgpkt < 500;ok
ct event set new;ok
ct event set new | related | destroy | label;ok
ct event set new,related,destroy,label;ok
ct event set new,destroy;ok
ct event set 1;ok
ct event set 0x0;ok
ct label 127;ok
ct label set 127;ok
ct zone 0;ok
ct zone 23;ok
ct original zone 1;ok
ct reply zone 1;ok
ct zone set 1;ok
ct original zone set 1;ok
ct reply zone set 1;ok
ct zone set mark map { 1 : 1,  2 : 2 };ok
notrack;ok
