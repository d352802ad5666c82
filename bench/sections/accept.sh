section_accept() { out 'todo'; }
