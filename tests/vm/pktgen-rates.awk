# Read a guest's ttyS1 log and print one line per "@@pg" run:
#   LABEL SIZE SIDE PPS RC
# PPS comes from pkt-gen's closing "Sent|Received N packets ... in S
# seconds." line, else its "Speed: X Mpps" line, else Linux pktgen's
# "Npps"; "-" when none was found.

function unit(u) {
	return u ~ /^G/ ? 1e9 : u ~ /^M/ ? 1e6 : u ~ /^K/ ? 1e3 : 1
}

{ sub(/\r$/, "") }

/^@@pg begin / {
	label = $3; size = $4; side = $5
	sub(/size=/, "", size); sub(/side=/, "", side)
	pps = ""; speed = ""; inrun = 1
	next
}

/^@@pg end / && inrun {
	rc = $3; sub(/rc=/, "", rc)
	if (pps == "") pps = speed
	printf "%s %s %s %s %s\n", label, size, side, (pps == "" ? "-" : pps), rc
	inrun = 0
	next
}

!inrun { next }

/(Sent|Received) [0-9]+ packets/ {
	for (i = 1; i < NF; i++)
		if ($(i + 1) == "packets") n = $i
	for (i = 1; i < NF; i++)
		if ($i == "in" && $(i + 2) ~ /^seconds/) s = $(i + 1)
	if (s + 0 > 0) pps = sprintf("%.0f", n / s)
	next
}

/^Speed: [0-9.]+ [GMK]?pps/ { speed = sprintf("%.0f", $2 * unit($3)); next }

/[0-9]+pps / && speed == "" {
	for (i = 1; i <= NF; i++)
		if ($i ~ /^[0-9]+pps$/) { v = $i; sub(/pps/, "", v); speed = v }
}
