/* SPDX-License-Identifier: MIT */
/* init.c: PLACEHOLDER: user helper replaces this with the real C init. */
#include "kernel/init.h"
#include "kernel/printk.h"
#include "platform.h"

void init_run(void)
{
	printk("init: no init yet\n");
	platform_poweroff(1);
}
