section_idle() { out 'todo'; }
