/*
 * int_sqrt.c - integer square root, bit by bit (the method of
 * lib/math/int_sqrt.c); the floor of sqrt(x), exact for every input.
 */
#include "compiler.h"

unsigned long int_sqrt(unsigned long x)
{
	unsigned long b, m, y = 0;

	if (x <= 1)
		return x;

	m = 1UL << ((fls64(x) - 1) & ~1);
	while (m != 0) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}
